#include "coverage/basemap/basemap.h"

#include <fstream>
#include <system_error>

#include "core/file_util.h"

namespace tilsyn::coverage {
namespace {

bool Meets(const geo::BBox& a, const geo::BBox& b) {
  return a.min_lon <= b.max_lon && b.min_lon <= a.max_lon && a.min_lat <= b.max_lat &&
         b.min_lat <= a.max_lat;
}

}  // namespace

std::string BasemapFile(const std::string& data_dir) {
  return data_dir + "/basemap/features.jsonl";
}

Result<std::vector<BasemapFeature>> LoadBasemap(const std::string& path) {
  std::vector<BasemapFeature> out;
  std::ifstream in(path);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return out;
    return Status::IoError("cannot read " + path);
  }
  std::string line;
  int64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    const Json j = Json::parse(line, nullptr, false);
    const auto bad = [&] {
      return Status::InvalidArgument(path + ":" + std::to_string(n) + ": not a base map feature",
                                     "basemap");
    };
    if (!j.is_object() || !j.contains("geometry") || !j["geometry"].is_object() ||
        !j.contains("bbox") || !j["bbox"].is_array() || j["bbox"].size() != 4) {
      return bad();
    }
    BasemapFeature f;
    f.layer = j.value("layer", "");
    f.name = j.value("name", "");
    for (const auto& v : j["bbox"]) {
      if (!v.is_number()) return bad();
    }
    f.box.min_lon = j["bbox"][0].get<double>();
    f.box.min_lat = j["bbox"][1].get<double>();
    f.box.max_lon = j["bbox"][2].get<double>();
    f.box.max_lat = j["bbox"][3].get<double>();
    f.geometry = j["geometry"];
    out.push_back(std::move(f));
  }
  return out;
}

Status SaveBasemap(const std::string& path, const std::vector<BasemapFeature>& features) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return Status::IoError("cannot create the directory of " + path + ": " + ec.message());
  std::string text;
  for (const auto& f : features) {
    text += Json{{"layer", f.layer},
                 {"name", f.name},
                 {"bbox", {f.box.min_lon, f.box.min_lat, f.box.max_lon, f.box.max_lat}},
                 {"geometry", f.geometry}}
                .dump();
    text += '\n';
  }
  return WriteFileAtomic(path, text);
}

Result<BasemapCache::Loaded> BasemapCache::Get() const {
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(path_, ec);
  std::lock_guard<std::mutex> lock(mu_);
  if (ec) {  // no file: an empty base map
    return Loaded{{}, std::make_shared<const std::vector<BasemapFeature>>()};
  }
  if (loaded_ && loaded_->mtime == mtime) return *loaded_;
  Result<std::vector<BasemapFeature>> features = LoadBasemap(path_);
  if (!features.ok()) {
    // A fault of the server's own file, not of the request: the HTTP layer logs the detail
    // (which names the file) and answers without it.
    return Status::Internal("the imported base map cannot be read: " +
                            features.status().ToString());
  }
  loaded_ = std::make_shared<const Loaded>(
      Loaded{mtime, std::make_shared<const std::vector<BasemapFeature>>(std::move(*features))});
  return *loaded_;
}

Result<std::shared_ptr<const std::vector<BasemapFeature>>> BasemapCache::All() const {
  TILSYN_ASSIGN_OR_RETURN(Loaded l, Get());
  return l.features;
}

Result<BasemapSlice> BasemapCache::Query(const geo::BBox& box, int64_t limit) const {
  TILSYN_ASSIGN_OR_RETURN(Loaded l, Get());
  BasemapSlice s;
  s.keep = l.features;
  for (const auto& f : *l.features) {
    if (!Meets(f.box, box)) continue;
    ++s.matched;
    if (static_cast<int64_t>(s.features.size()) < limit) {
      s.features.push_back(&f);
    } else {
      s.truncated = true;
    }
  }
  return s;
}

}  // namespace tilsyn::coverage
