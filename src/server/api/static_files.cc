// The web UI's files: GET / → <web_dir>/index.html, GET /assets/{file} → <web_dir>/assets/<file>,
// and GET /ui-config.json (settings the page needs before it has a token: the tile URL). Public:
// the files hold no data, every API call the page makes carries the user's token. A file name is
// one path segment; names starting with '.' or holding '/', '\' or NUL are refused, and the
// resolved path must stay inside the assets folder (a symlink pointing out is refused too).
#include <algorithm>

#include <filesystem>

#include "core/file_util.h"
#include "server/api/api.h"
#include "server/api/api_util.h"

namespace tilsyn::server {
namespace {

namespace fs = std::filesystem;

std::string ContentTypeFor(const std::string& name) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"}};
  for (const auto& [ext, type] : kTypes) {
    std::string e(ext);
    if (name.size() >= e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) {
      return type;
    }
  }
  return "application/octet-stream";
}

bool SafeName(const std::string& name) {
  if (name.empty() || name.size() > 200 || name.front() == '.') return false;
  for (char c : name) {
    if (c == '/' || c == '\\' || c == '\0') return false;
  }
  return true;
}

// `path` resolved (symlinks followed) lies inside `root` resolved.
bool Inside(const fs::path& root, const fs::path& path) {
  std::error_code ec1, ec2;
  fs::path r = fs::canonical(root, ec1);
  fs::path p = fs::canonical(path, ec2);
  if (ec1 || ec2) return false;
  auto mismatch = std::mismatch(r.begin(), r.end(), p.begin(), p.end());
  return mismatch.first == r.end();
}

Result<net::HttpResponse> ServeFile(const std::string& web_dir, const std::string& folder,
                                    const std::string& name) {
  if (web_dir.empty()) return Status::NotFound("the web UI is not configured (web_dir)");
  if (!SafeName(name)) return Status::NotFound("no such file: " + name, "path");
  fs::path root = folder.empty() ? fs::path(web_dir) : fs::path(web_dir) / folder;
  fs::path file = root / name;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec) || !Inside(root, file)) {
    if (name == "index.html") {
      return Status::NotFound("the web UI is not built: run scripts/web.sh (looked in " +
                              web_dir + ")");
    }
    return Status::NotFound("no such file: " + name, "path");
  }
  TILSYN_ASSIGN_OR_RETURN(std::string body, ReadFile(file.string()));
  net::HttpResponse r;
  r.content_type = ContentTypeFor(name);
  r.body = std::move(body);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  // Built assets carry a content hash in their names; index.html must always be re-read.
  r.headers.emplace_back("Cache-Control", folder.empty() ? "no-cache" : "max-age=3600");
  return r;
}

}  // namespace

std::string DefaultWebDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "web/dist";
  return (exe.parent_path() / ".." / ".." / "web" / "dist").lexically_normal().string();
}

void RegisterStaticRoutes(Router& router, const ApiContext& ctx) {
  const std::string dir = ctx.web_dir;
  router.Add({"GET", "/", {}, "The web UI (index.html)", "web", {}, "", "", "", 200},
             [dir](const ApiRequest&) { return ServeFile(dir, "", "index.html"); });
  router.Add({"GET", "/assets/{file}", {}, "A file of the web UI", "web", {}, "", "", "", 200},
             [dir](const ApiRequest& r) { return ServeFile(dir, "assets", r.Param("file")); });
  const std::string tiles = ctx.tile_url;
  router.Add({"GET",
              "/ui-config.json",
              {},
              "Settings for the web UI (base map tile URL template; empty = no tiles)",
              "web",
              {},
              "",
              "",
              "UiConfig",
              200},
             [tiles](const ApiRequest&) -> Result<net::HttpResponse> {
               return Ok(Json{{"tile_url", tiles}});
             });
}

}  // namespace tilsyn::server
