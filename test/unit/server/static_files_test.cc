// The web UI's static files (/, /assets/{file}, /ui-config.json) and /api/v1/me, through the
// real router over a web folder in a TempDir.
#include <filesystem>

#include "api_fixture.h"
#include "core/file_util.h"
#include "server/cli.h"

namespace tilsyn::server::testing {
namespace {

class StaticFiles : public ApiTest {
 protected:
  void ConfigureContext(ApiContext& ctx) override {
    web_ = dir_.Sub("web");
    EXPECT_TRUE(MakeDirs(web_ + "/assets").ok());
    EXPECT_TRUE(WriteFileAtomic(web_ + "/index.html", "<!doctype html><title>t</title>").ok());
    EXPECT_TRUE(WriteFileAtomic(web_ + "/assets/app-1.js", "console.log(1)").ok());
    EXPECT_TRUE(WriteFileAtomic(web_ + "/assets/app-1.css", "body{}").ok());
    EXPECT_TRUE(WriteFileAtomic(web_ + "/secret.txt", "outside the assets folder").ok());
    EXPECT_TRUE(WriteFileAtomic(dir_.Sub("tilsyn.conf"), "top secret").ok());
    ctx.web_dir = web_;
    ctx.tile_url = "";
  }
  std::string web_;
};

TEST_F(StaticFiles, RootServesIndexHtml) {
  Reply r = Call("GET", "/", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.raw.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.raw.body, "<!doctype html><title>t</title>");
}

TEST_F(StaticFiles, AssetsAreServedWithTheirContentType) {
  Reply js = Call("GET", "/assets/app-1.js", "");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.raw.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.raw.body, "console.log(1)");
  Reply css = Call("GET", "/assets/app-1.css", "");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.raw.content_type, "text/css; charset=utf-8");
}

TEST_F(StaticFiles, MissingAssetIs404Json) {
  Reply r = Call("GET", "/assets/nope.js", "");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.ErrorCode(), "not_found");
}

TEST_F(StaticFiles, DirectoryTraversalIsRefused) {
  // Encoded slashes decode into extra segments (no route); dot names are refused outright.
  for (const char* target :
       {"/assets/..", "/assets/.", "/assets/%2e%2e", "/assets/..%2Fsecret.txt",
        "/assets/..%2F..%2Ftilsyn.conf", "/assets/%2E%2E%2Findex.html", "/assets/..%5Csecret.txt",
        "/assets/.hidden", "/../secret.txt", "/assets/../secret.txt"}) {
    Reply r = Call("GET", target, "");
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.raw.body.find("outside the assets folder"), std::string::npos) << target;
    EXPECT_EQ(r.raw.body.find("top secret"), std::string::npos) << target;
  }
}

TEST_F(StaticFiles, SymlinkOutOfTheAssetsFolderIsRefused) {
  std::error_code ec;
  std::filesystem::create_symlink(web_ + "/secret.txt", web_ + "/assets/link.txt", ec);
  ASSERT_FALSE(ec) << ec.message();
  Reply r = Call("GET", "/assets/link.txt", "");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.raw.body.find("outside the assets folder"), std::string::npos);
}

TEST_F(StaticFiles, UnbuiltUiSaysHowToBuildIt) {
  std::filesystem::remove(web_ + "/index.html");
  Reply r = Call("GET", "/", "");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.json["error"].value("message", "").find("scripts/web.sh"), std::string::npos);
}

TEST_F(StaticFiles, UiConfigCarriesTheTileUrl) {
  Reply r = Call("GET", "/ui-config.json", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json["tile_url"], "");
}

TEST_F(StaticFiles, MeNamesTheCallersSubjectAndRole) {
  Reply r = Call("GET", "/api/v1/me", dpo_);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json["subject"], "dora");
  EXPECT_EQ(r.json["role"], "dpo");
  EXPECT_EQ(Call("GET", "/api/v1/me", inspector_).json["role"], "inspector");
  EXPECT_EQ(Call("GET", "/api/v1/me", "").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/me", "not-a-token").status, 401);
}

TEST(DefaultWebDir, IsWebDistTwoFoldersAboveTheBinary) {
  std::string d = DefaultWebDir();
  EXPECT_NE(d.find("web/dist"), std::string::npos) << d;
  EXPECT_EQ(d.find(".."), std::string::npos) << d;
}

TEST(WebSettings, TileUrlDefaultsToOpenStreetMapAndMayBeEmptiedFromTheEnvironment) {
  EXPECT_NE(ServerConfig().tile_url.find("openstreetmap"), std::string::npos);
  std::map<std::string, std::string> env = {{"TILSYN_TILE_URL", ""}, {"TILSYN_WEB_DIR", "/w"}};
  EnvLookup lookup = [&](const char* n) -> const char* {
    auto it = env.find(n);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  auto c = ResolveServerConfig(ServeFlags{}, lookup);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->tile_url, "");
  EXPECT_EQ(c->web_dir, "/w");
}

TEST(WebSettings, TileUrlMustBeHttp) {
  auto c = ServerConfig::FromJson(Json{{"tile_url", "file:///etc/passwd"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().field(), "tile_url");
}

}  // namespace
}  // namespace tilsyn::server::testing
