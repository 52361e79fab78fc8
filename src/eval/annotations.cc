#include "eval/annotations.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <sstream>

#include "core/file_util.h"

namespace tilsyn::eval {
namespace fs = std::filesystem;
namespace {

std::string Idx(const std::string& p, size_t i) { return p + "[" + std::to_string(i) + "]"; }

std::string Resolve(const std::string& base, const std::string& name) {
  if (name.empty() || fs::path(name).is_absolute() || base.empty()) return name;
  return (fs::path(base) / name).string();
}

Result<int> PixelInt(const Json& o, const char* key, const std::string& path, bool required) {
  if (!o.contains(key) || o[key].is_null()) {
    if (required) return Status::InvalidArgument("required field is missing", path);
    return 0;
  }
  if (!o[key].is_number()) return Status::InvalidArgument("must be a number", path);
  const double v = o[key].get<double>();
  if (!std::isfinite(v) || v < -1e6 || v > 1e6) return Status::InvalidArgument("out of range", path);
  return static_cast<int>(std::lround(v));
}

// Reads only what is needed for the size: OpenCV has no header-only API, so decode reduced.
Result<std::pair<int, int>> ImageSize(const std::string& path) {
  cv::Mat m;
  try {
    m = cv::imread(path, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    return Status::InvalidArgument(std::string("unreadable image: ") + e.what(), path);
  }
  if (m.empty()) return Status::NotFound("image missing or unreadable: " + path, path);
  return std::make_pair(m.cols, m.rows);
}

}  // namespace

Result<std::vector<AnnotatedImage>> AnnotationsFromJsonList(const Json& j, const std::string& base) {
  if (!j.is_array()) return Status::InvalidArgument("must be an array", "labels");
  std::vector<AnnotatedImage> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string p = Idx("labels", i);
    const Json& e = j[i];
    if (!e.is_object()) return Status::InvalidArgument("must be an object", p);
    AnnotatedImage img;
    TILSYN_ASSIGN_OR_RETURN(std::string name, GetString(e, "image", p + ".image"));
    if (name.empty()) return Status::InvalidArgument("must not be empty", p + ".image");
    img.image = Resolve(base, name);
    TILSYN_ASSIGN_OR_RETURN(img.width, PixelInt(e, "width", p + ".width", false));
    TILSYN_ASSIGN_OR_RETURN(img.height, PixelInt(e, "height", p + ".height", false));
    if (e.contains("boxes") && !e["boxes"].is_null()) {
      const Json& bs = e["boxes"];
      if (!bs.is_array()) return Status::InvalidArgument("must be an array", p + ".boxes");
      for (size_t k = 0; k < bs.size(); ++k) {
        const std::string bp = Idx(p + ".boxes", k);
        if (!bs[k].is_object()) return Status::InvalidArgument("must be an object", bp);
        GroundTruthBox b;
        TILSYN_ASSIGN_OR_RETURN(b.label, GetString(bs[k], "class", bp + ".class"));
        if (b.label.empty()) return Status::InvalidArgument("must not be empty", bp + ".class");
        TILSYN_ASSIGN_OR_RETURN(b.box.x, PixelInt(bs[k], "x", bp + ".x", true));
        TILSYN_ASSIGN_OR_RETURN(b.box.y, PixelInt(bs[k], "y", bp + ".y", true));
        TILSYN_ASSIGN_OR_RETURN(b.box.w, PixelInt(bs[k], "w", bp + ".w", true));
        TILSYN_ASSIGN_OR_RETURN(b.box.h, PixelInt(bs[k], "h", bp + ".h", true));
        if (b.box.w <= 0) return Status::InvalidArgument("must be > 0", bp + ".w");
        if (b.box.h <= 0) return Status::InvalidArgument("must be > 0", bp + ".h");
        TILSYN_ASSIGN_OR_RETURN(auto crowd, GetOptBool(bs[k], "crowd", bp + ".crowd"));
        b.crowd = crowd.value_or(false);
        img.boxes.push_back(std::move(b));
      }
    }
    out.push_back(std::move(img));
  }
  return out;
}

Result<std::vector<AnnotatedImage>> AnnotationsFromCoco(const Json& j, const std::string& base) {
  if (!j.is_object()) return Status::InvalidArgument("must be an object", "labels");
  for (const char* k : {"images", "annotations", "categories"}) {
    if (!j.contains(k) || !j[k].is_array()) return Status::InvalidArgument("must be an array", k);
  }
  std::map<int64_t, std::string> cats;
  for (size_t i = 0; i < j["categories"].size(); ++i) {
    const std::string p = Idx("categories", i);
    const Json& c = j["categories"][i];
    if (!c.is_object()) return Status::InvalidArgument("must be an object", p);
    TILSYN_ASSIGN_OR_RETURN(int64_t id, GetInt(c, "id", p + ".id"));
    TILSYN_ASSIGN_OR_RETURN(cats[id], GetString(c, "name", p + ".name"));
  }
  std::vector<AnnotatedImage> out;
  std::map<int64_t, size_t> by_id;
  for (size_t i = 0; i < j["images"].size(); ++i) {
    const std::string p = Idx("images", i);
    const Json& e = j["images"][i];
    if (!e.is_object()) return Status::InvalidArgument("must be an object", p);
    TILSYN_ASSIGN_OR_RETURN(int64_t id, GetInt(e, "id", p + ".id"));
    AnnotatedImage img;
    TILSYN_ASSIGN_OR_RETURN(std::string name, GetString(e, "file_name", p + ".file_name"));
    img.image = Resolve(base, name);
    TILSYN_ASSIGN_OR_RETURN(img.width, PixelInt(e, "width", p + ".width", false));
    TILSYN_ASSIGN_OR_RETURN(img.height, PixelInt(e, "height", p + ".height", false));
    if (by_id.count(id)) return Status::InvalidArgument("duplicate image id", p + ".id");
    by_id[id] = out.size();
    out.push_back(std::move(img));
  }
  for (size_t i = 0; i < j["annotations"].size(); ++i) {
    const std::string p = Idx("annotations", i);
    const Json& a = j["annotations"][i];
    if (!a.is_object()) return Status::InvalidArgument("must be an object", p);
    TILSYN_ASSIGN_OR_RETURN(int64_t image_id, GetInt(a, "image_id", p + ".image_id"));
    TILSYN_ASSIGN_OR_RETURN(int64_t cat, GetInt(a, "category_id", p + ".category_id"));
    auto im = by_id.find(image_id);
    if (im == by_id.end()) return Status::InvalidArgument("unknown image id", p + ".image_id");
    auto ct = cats.find(cat);
    if (ct == cats.end()) return Status::InvalidArgument("unknown category id", p + ".category_id");
    if (!a.contains("bbox") || !a["bbox"].is_array() || a["bbox"].size() != 4) {
      return Status::InvalidArgument("must be [x, y, w, h]", p + ".bbox");
    }
    double v[4];
    for (int k = 0; k < 4; ++k) {
      if (!a["bbox"][k].is_number()) return Status::InvalidArgument("must be a number", Idx(p + ".bbox", k));
      v[k] = a["bbox"][k].get<double>();
    }
    if (!(v[2] > 0) || !(v[3] > 0)) return Status::InvalidArgument("w and h must be > 0", p + ".bbox");
    GroundTruthBox b;
    b.label = ct->second;
    b.box = {static_cast<int>(std::lround(v[0])), static_cast<int>(std::lround(v[1])),
             std::max(1, static_cast<int>(std::lround(v[2]))),
             std::max(1, static_cast<int>(std::lround(v[3])))};
    b.crowd = a.value("iscrowd", 0) != 0;
    out[im->second].boxes.push_back(std::move(b));
  }
  return out;
}

Result<std::vector<AnnotatedImage>> AnnotationsFromYoloDir(const std::string& dir,
                                                           const std::string& images_dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound("not a folder: " + dir, "labels");
  std::vector<std::string> names;
  for (const char* f : {"classes.txt", "obj.names"}) {
    std::ifstream in(fs::path(dir) / f);
    if (!in) continue;
    for (std::string line; std::getline(in, line);) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      names.push_back(line);
    }
    break;
  }
  std::vector<fs::path> txts;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string fn = e.path().filename().string();
    if (e.path().extension() == ".txt" && fn != "classes.txt") txts.push_back(e.path());
  }
  std::sort(txts.begin(), txts.end());
  const std::string imgs = images_dir.empty() ? dir : images_dir;
  std::vector<AnnotatedImage> out;
  for (const fs::path& t : txts) {
    const std::string stem = t.stem().string();
    AnnotatedImage img;
    for (const char* ext : {".jpg", ".jpeg", ".png", ".bmp", ".JPG", ".PNG"}) {
      fs::path cand = fs::path(imgs) / (stem + ext);
      if (fs::exists(cand, ec)) {
        img.image = cand.string();
        break;
      }
    }
    if (img.image.empty()) return Status::NotFound("no image for " + t.string(), t.filename().string());
    TILSYN_ASSIGN_OR_RETURN(auto size, ImageSize(img.image));
    img.width = size.first;
    img.height = size.second;
    std::ifstream in(t);
    int lineno = 0;
    for (std::string line; std::getline(in, line);) {
      ++lineno;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::istringstream ls(line);
      int cls = -1;
      double cx, cy, w, h;
      const std::string where = t.filename().string() + ":" + std::to_string(lineno);
      if (!(ls >> cls >> cx >> cy >> w >> h) || cls < 0 || w <= 0 || h <= 0) {
        return Status::InvalidArgument("expected 'class cx cy w h'", where);
      }
      GroundTruthBox b;
      b.label = cls < static_cast<int>(names.size()) ? names[cls] : std::to_string(cls);
      b.box = {static_cast<int>(std::lround((cx - w / 2) * img.width)),
               static_cast<int>(std::lround((cy - h / 2) * img.height)),
               std::max(1, static_cast<int>(std::lround(w * img.width))),
               std::max(1, static_cast<int>(std::lround(h * img.height)))};
      img.boxes.push_back(std::move(b));
    }
    out.push_back(std::move(img));
  }
  return out;
}

Result<std::vector<AnnotatedImage>> LoadAnnotations(const std::string& labels,
                                                    const std::string& images_dir) {
  std::error_code ec;
  if (fs::is_directory(labels, ec)) return AnnotationsFromYoloDir(labels, images_dir);
  TILSYN_ASSIGN_OR_RETURN(std::string text, ReadFile(labels));
  TILSYN_ASSIGN_OR_RETURN(Json j, ParseJson(text));
  const std::string base =
      images_dir.empty() ? fs::path(labels).parent_path().string() : images_dir;
  if (j.is_array()) return AnnotationsFromJsonList(j, base);
  if (j.is_object() && j.contains("images")) return AnnotationsFromCoco(j, base);
  return Status::InvalidArgument("neither a JSON list nor COCO JSON (no \"images\")", "labels");
}

}  // namespace tilsyn::eval
