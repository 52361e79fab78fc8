#include "imaging/model_pack.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/file_util.h"

namespace tilsyn::imaging {
namespace fs = std::filesystem;

std::string ModelSpec::MapLabel(const std::string& raw) const {
  auto it = label_map.find(raw);
  return it == label_map.end() ? raw : it->second;
}

double ModelSpec::ThresholdFor(const std::string& mapped) const {
  auto it = thresholds.find(mapped);
  return it == thresholds.end() ? default_threshold : it->second;
}

bool ModelSpec::HasPurpose(const std::string& p) const {
  return std::find(purpose.begin(), purpose.end(), p) != purpose.end();
}

namespace {

const std::set<std::string> kFormats = {"onnx", "darknet", "caffe", "yunet", "dlib-mmod"};
const std::set<std::string> kDecoders = {"yolo",       "yolo-noobj", "ssd",   "ultraface",
                                         "fastestdet", "blazeface",  "yunet", "dlib-mmod"};

Status Bad(const std::string& path, const std::string& msg) {
  return Status::InvalidArgument(msg, path);
}

// Resolves `rel` against `dir`; InvalidArgument naming `path` when the file does not exist.
Result<std::string> Resolve(const std::string& dir, const std::string& rel,
                            const std::string& path) {
  if (rel.empty()) return Bad(path, "must not be empty");
  fs::path p(rel);
  if (p.is_relative()) p = fs::path(dir) / p;
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return Bad(path, "file not found: " + p.string());
  return fs::absolute(p, ec).lexically_normal().string();
}

Result<std::vector<std::string>> StringList(const Json& obj, const char* key,
                                            const std::string& path) {
  TILSYN_ASSIGN_OR_RETURN(auto list, GetOptStringList(obj, key, path));
  return list.value_or(std::vector<std::string>{});
}

// Optional "width" and "height" of `j` into w and h, each within [lo, hi].
Status ParseSize(const Json& j, const std::string& path, int lo, int hi, int& w, int& h) {
  TILSYN_ASSIGN_OR_RETURN(auto ow, GetOptInt(j, "width", JoinPath(path, "width")));
  TILSYN_ASSIGN_OR_RETURN(auto oh, GetOptInt(j, "height", JoinPath(path, "height")));
  const std::string range = "must be " + std::to_string(lo) + ".." + std::to_string(hi);
  // Checked before narrowing: a huge value must not wrap into the range.
  if (ow && (*ow < lo || *ow > hi)) return Bad(JoinPath(path, "width"), range);
  if (oh && (*oh < lo || *oh > hi)) return Bad(JoinPath(path, "height"), range);
  if (ow) w = static_cast<int>(*ow);
  if (oh) h = static_cast<int>(*oh);
  return Status::Ok();
}

// Optional number `key` of `j` into `out`, which must then be in [0, 1].
Status ParseFraction(const Json& j, const char* key, const std::string& path, double& out) {
  TILSYN_ASSIGN_OR_RETURN(auto v, GetOptNumber(j, key, JoinPath(path, key)));
  if (v) out = *v;
  if (out < 0 || out > 1) return Bad(JoinPath(path, key), "must be in [0, 1]");
  return Status::Ok();
}

Status ParseInput(const Json& obj, const std::string& path, ModelInput& in) {
  auto it = obj.find("input");
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_object()) return Bad(path, "must be an object");
  const Json& j = *it;
  TILSYN_RETURN_IF_ERROR(ParseSize(j, path, 8, 4096, in.width, in.height));
  TILSYN_ASSIGN_OR_RETURN(auto scale, GetOptNumber(j, "scale", JoinPath(path, "scale")));
  if (scale) in.scale = *scale;
  if (!(in.scale > 0)) return Bad(JoinPath(path, "scale"), "must be > 0");
  auto m = j.find("mean");
  if (m != j.end() && !m->is_null()) {
    if (m->is_number()) {
      in.mean = {m->get<double>(), m->get<double>(), m->get<double>()};
    } else if (m->is_array() && (m->size() == 3 || m->size() == 1)) {
      in.mean.clear();
      for (const Json& v : *m) {
        if (!v.is_number()) return Bad(JoinPath(path, "mean"), "must hold numbers");
        in.mean.push_back(v.get<double>());
      }
      if (in.mean.size() == 1) in.mean = {in.mean[0], in.mean[0], in.mean[0]};
    } else {
      return Bad(JoinPath(path, "mean"), "must be a number or an array of 3 numbers");
    }
  }
  TILSYN_ASSIGN_OR_RETURN(auto swap, GetOptBool(j, "swap_rb", JoinPath(path, "swap_rb")));
  if (swap) in.swap_rb = *swap;
  TILSYN_ASSIGN_OR_RETURN(auto lb, GetOptBool(j, "letterbox", JoinPath(path, "letterbox")));
  if (lb) in.letterbox = *lb;
  TILSYN_ASSIGN_OR_RETURN(auto up, GetOptBool(j, "upscale", JoinPath(path, "upscale")));
  if (up) in.upscale = *up;
  return Status::Ok();
}

Result<BoxVerifierSpec> ParseVerifier(const Json& j, const std::string& dir,
                                      const std::string& path) {
  if (!j.is_object()) return Bad(path, "must be an object");
  BoxVerifierSpec v;
  TILSYN_ASSIGN_OR_RETURN(std::string file, GetString(j, "file", JoinPath(path, "file")));
  TILSYN_ASSIGN_OR_RETURN(v.file, Resolve(dir, file, JoinPath(path, "file")));
  TILSYN_ASSIGN_OR_RETURN(v.label, GetString(j, "label", JoinPath(path, "label")));
  TILSYN_RETURN_IF_ERROR(ParseSize(j, path, 8, 512, v.width, v.height));
  TILSYN_RETURN_IF_ERROR(ParseFraction(j, "grow", path, v.grow));
  TILSYN_RETURN_IF_ERROR(ParseFraction(j, "threshold", path, v.threshold));
  TILSYN_RETURN_IF_ERROR(ParseFraction(j, "keep_above", path, v.keep_above));
  return v;
}

Result<ModelSpec> ParseModel(const Json& j, const std::string& dir, const std::string& path) {
  if (!j.is_object()) return Bad(path, "must be an object");
  ModelSpec s;
  TILSYN_ASSIGN_OR_RETURN(s.name, GetString(j, "name", JoinPath(path, "name")));
  TILSYN_ASSIGN_OR_RETURN(s.format, GetString(j, "format", JoinPath(path, "format")));
  if (!kFormats.count(s.format)) {
    return Bad(JoinPath(path, "format"), "must be onnx, darknet, caffe, yunet or dlib-mmod");
  }
  TILSYN_ASSIGN_OR_RETURN(auto decoder, GetOptString(j, "decoder", JoinPath(path, "decoder")));
  if (decoder) {
    s.decoder = *decoder;
  } else if (s.format == "yunet" || s.format == "dlib-mmod") {
    s.decoder = s.format;
  } else {
    return Bad(JoinPath(path, "decoder"), "required field is missing");
  }
  if (!kDecoders.count(s.decoder)) {
    return Bad(JoinPath(path, "decoder"),
               "must be yolo, yolo-noobj, ssd, ultraface, fastestdet, blazeface or yunet");
  }
  TILSYN_ASSIGN_OR_RETURN(std::string file, GetString(j, "file", JoinPath(path, "file")));
  TILSYN_ASSIGN_OR_RETURN(s.file, Resolve(dir, file, JoinPath(path, "file")));
  TILSYN_ASSIGN_OR_RETURN(auto config, GetOptString(j, "config", JoinPath(path, "config")));
  if (config) {
    TILSYN_ASSIGN_OR_RETURN(s.config, Resolve(dir, *config, JoinPath(path, "config")));
  } else if (s.format == "darknet") {
    return Bad(JoinPath(path, "config"), "darknet models need a .cfg");
  }
  TILSYN_RETURN_IF_ERROR(ParseInput(j, JoinPath(path, "input"), s.input));

  TILSYN_ASSIGN_OR_RETURN(s.labels, StringList(j, "labels", JoinPath(path, "labels")));
  TILSYN_ASSIGN_OR_RETURN(auto labels_file,
                          GetOptString(j, "labels_file", JoinPath(path, "labels_file")));
  if (labels_file) {
    TILSYN_ASSIGN_OR_RETURN(std::string lf,
                            Resolve(dir, *labels_file, JoinPath(path, "labels_file")));
    TILSYN_ASSIGN_OR_RETURN(std::string text, ReadFile(lf));
    std::istringstream in(text);
    std::string line;
    s.labels.clear();
    while (std::getline(in, line)) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty()) s.labels.push_back(line);
    }
  }
  if (s.labels.empty()) return Bad(JoinPath(path, "labels"), "at least one label is needed");

  if (auto it = j.find("label_map"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return Bad(JoinPath(path, "label_map"), "must be an object");
    for (auto& [k, v] : it->items()) {
      if (!v.is_string()) return Bad(JoinPath(JoinPath(path, "label_map"), k), "must be a string");
      s.label_map[k] = v.get<std::string>();
    }
  }
  if (auto it = j.find("thresholds"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return Bad(JoinPath(path, "thresholds"), "must be an object");
    for (auto& [k, v] : it->items()) {
      const std::string f = JoinPath(JoinPath(path, "thresholds"), k);
      if (!v.is_number()) return Bad(f, "must be a number");
      const double t = v.get<double>();
      if (t < 0 || t > 1) return Bad(f, "must be in [0, 1]");
      s.thresholds[k] = t;
    }
  }
  TILSYN_RETURN_IF_ERROR(ParseFraction(j, "default_threshold", path, s.default_threshold));
  TILSYN_ASSIGN_OR_RETURN(auto nms, GetOptNumber(j, "nms_iou", JoinPath(path, "nms_iou")));
  if (nms) s.nms_iou = *nms;
  if (s.nms_iou <= 0 || s.nms_iou > 1) return Bad(JoinPath(path, "nms_iou"), "must be in (0, 1]");
  TILSYN_ASSIGN_OR_RETURN(auto contain,
                          GetOptNumber(j, "nms_containment", JoinPath(path, "nms_containment")));
  if (contain) s.nms_containment = *contain;
  if (s.nms_containment <= 0 || s.nms_containment > 1) {
    return Bad(JoinPath(path, "nms_containment"), "must be in (0, 1]");
  }
  TILSYN_ASSIGN_OR_RETURN(auto grid, GetOptInt(j, "tile_grid", JoinPath(path, "tile_grid")));
  if (grid) s.tile_grid = static_cast<int>(*grid);
  if (grid && (*grid < 1 || *grid > 4)) return Bad(JoinPath(path, "tile_grid"), "must be 1..4");
  if (s.tile_grid > 1 && s.input.letterbox && !s.input.upscale) {
    return Bad(JoinPath(path, "tile_grid"),
               "tiles are enlarged to the input: they need input.upscale true");
  }
  TILSYN_ASSIGN_OR_RETURN(auto trigger,
                          GetOptNumber(j, "tile_trigger", JoinPath(path, "tile_trigger")));
  if (trigger) s.tile_trigger = *trigger;
  if (s.tile_trigger < 0 || s.tile_trigger >= 1) {
    return Bad(JoinPath(path, "tile_trigger"), "must be in [0, 1)");
  }
  if (auto it = j.find("verifier"); it != j.end() && !it->is_null()) {
    TILSYN_ASSIGN_OR_RETURN(s.verifier, ParseVerifier(*it, dir, JoinPath(path, "verifier")));
  }
  TILSYN_ASSIGN_OR_RETURN(s.purpose, StringList(j, "purpose", JoinPath(path, "purpose")));
  if (s.purpose.empty()) s.purpose = {"anonymization", "recognition"};
  TILSYN_ASSIGN_OR_RETURN(auto licence, GetOptString(j, "licence", JoinPath(path, "licence")));
  s.licence = licence.value_or("");
  if (auto it = j.find("label_quality"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return Bad(JoinPath(path, "label_quality"), "must be an object");
    for (const auto& [label, q] : it->items()) {
      if (!q.is_object()) {
        return Bad(JoinPath(JoinPath(path, "label_quality"), label), "must be an object");
      }
      s.label_quality[label] = q;
    }
  }
  TILSYN_ASSIGN_OR_RETURN(auto card, GetOptString(j, "card", JoinPath(path, "card")));
  if (card) {
    TILSYN_ASSIGN_OR_RETURN(s.card, Resolve(dir, *card, JoinPath(path, "card")));
  }
  return s;
}

}  // namespace

Result<ModelPack> LoadModelPackManifest(const std::string& manifest_path, const std::string& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(manifest_path, ec)) {
    return Status::NotFound("no model pack manifest at " + manifest_path, "models");
  }
  TILSYN_ASSIGN_OR_RETURN(std::string text, ReadFile(manifest_path));
  auto parsed = ParseJson(text);
  if (!parsed.ok()) return Status::InvalidArgument("malformed manifest JSON", "manifest");
  const Json& j = *parsed;
  if (!j.is_object()) return Status::InvalidArgument("must be an object", "manifest");
  ModelPack pack;
  pack.dir = fs::absolute(dir, ec).lexically_normal().string();
  while (pack.dir.size() > 1 && pack.dir.back() == '/') pack.dir.pop_back();
  TILSYN_ASSIGN_OR_RETURN(auto name, GetOptString(j, "name", "name"));
  pack.name = name.value_or(fs::path(pack.dir).filename().string());
  auto models = j.find("models");
  if (models == j.end() || !models->is_array()) {
    return Status::InvalidArgument("must be an array", "models");
  }
  std::set<std::string> names;
  for (size_t i = 0; i < models->size(); ++i) {
    const std::string path = "models[" + std::to_string(i) + "]";
    TILSYN_ASSIGN_OR_RETURN(ModelSpec s, ParseModel((*models)[i], pack.dir, path));
    if (!names.insert(s.name).second) {
      return Status::InvalidArgument("duplicate model name " + s.name, path + ".name");
    }
    pack.models.push_back(std::move(s));
  }
  return pack;
}

Result<ModelPack> LoadModelPack(const std::string& dir) {
  std::error_code ec;
  if (fs::is_regular_file(dir, ec)) {  // a manifest file: models relative to its folder
    return LoadModelPackManifest(dir, fs::path(dir).parent_path().string());
  }
  if (!fs::is_directory(dir, ec)) return Status::NotFound("no model pack folder " + dir, "models");
  return LoadModelPackManifest((fs::path(dir) / "manifest.json").string(), dir);
}

}  // namespace tilsyn::imaging
