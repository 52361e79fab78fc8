#include "eval/anonymizer_eval.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <sstream>

namespace tilsyn::eval {
namespace {

const char* kClasses[] = {"face", "plate", "person"};
const char* kBuckets[] = {"small", "medium", "large"};
constexpr double kMatchIou = 0.3;
constexpr double kMergeIou = 0.5;

double Iou(const cv::Rect& a, const cv::Rect& b) {
  const double inter = (a & b).area();
  const double uni = static_cast<double>(a.area()) + b.area() - inter;
  return uni <= 0 ? 0 : inter / uni;
}

cv::Rect ToRect(const tasks::Box& b) { return cv::Rect(b.x, b.y, b.w, b.h); }

Json Ratio(double num, double den) { return den > 0 ? Json(num / den) : Json(nullptr); }

std::string Pct(double num, double den) {
  if (den <= 0) return "    -";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%5.1f", 100.0 * num / den);
  return buf;
}

}  // namespace

SizeBucket BucketOf(int w, int h) {
  const int s = std::min(w, h);
  if (s < 32) return kSmall;
  if (s <= 96) return kMedium;
  return kLarge;
}

std::string CanonicalClass(const std::string& label) {
  if (label == "face") return "face";
  if (label == "plate" || label == "license_plate" || label == "licence_plate") return "plate";
  if (label == "person" || label == "pedestrian") return "person";
  return "";
}

void AnonymizerMetrics::Add(const std::vector<GroundTruthBox>& gt,
                            const std::vector<PredictedBox>& pred,
                            const std::vector<cv::Rect>& blurred, cv::Size size) {
  const cv::Rect bounds(0, 0, size.width, size.height);
  cv::Mat mask = cv::Mat::zeros(size, CV_8U);
  for (const cv::Rect& r : blurred) {
    const cv::Rect c = r & bounds;
    if (!c.empty()) mask(c).setTo(255);
  }
  for (const char* cls : kClasses) {
    std::vector<GroundTruthBox> g;
    for (const GroundTruthBox& b : gt) {
      if (CanonicalClass(b.label) == cls) g.push_back(b);
    }
    // Merge near-duplicate detections (the ensemble's union reports one object many times).
    std::vector<cv::Rect> p;
    for (const PredictedBox& b : pred) {
      if (b.cls != cls || b.box.empty()) continue;
      bool dup = false;
      for (const cv::Rect& k : p) dup = dup || Iou(k, b.box) > kMergeIou;
      if (!dup) p.push_back(b.box);
    }
    auto& cells = cells_[cls];
    for (const GroundTruthBox& b : g) {
      if (b.crowd) continue;
      const cv::Rect r = ToRect(b.box);
      Cell& c = cells[BucketOf(r.width, r.height)];
      ++c.gt;
      for (const cv::Rect& q : p) {
        if (Iou(q, r) >= kMatchIou) {
          ++c.found;
          break;
        }
      }
      const cv::Rect in = r & bounds;
      c.area += r.area();
      if (!in.empty()) c.blurred += cv::countNonZero(mask(in));
    }
    for (const cv::Rect& q : p) {
      bool match = false, crowd = false;
      for (const GroundTruthBox& b : g) {
        const cv::Rect r = ToRect(b.box);
        if (b.crowd) {
          // COCO-style: a detection mostly inside a crowd region is ignored.
          if ((q & r).area() >= 0.5 * q.area()) crowd = true;
        } else if (Iou(q, r) >= kMatchIou) {
          match = true;
        }
      }
      if (crowd && !match) continue;
      Cell& c = cells[BucketOf(q.width, q.height)];
      ++c.pred;
      if (match) ++c.correct;
    }
  }
}

void AnonymizerMetrics::AddTime(double ms, double megapixels) {
  ms_ += ms;
  mp_ += megapixels;
}

AnonymizerMetrics::Cell AnonymizerMetrics::Get(const std::string& cls, int bucket) const {
  Cell sum;
  auto it = cells_.find(cls);
  if (it == cells_.end()) return sum;
  for (int b = 0; b < 3; ++b) {
    if (bucket >= 0 && b != bucket) continue;
    const Cell& c = it->second[b];
    sum.gt += c.gt;
    sum.found += c.found;
    sum.pred += c.pred;
    sum.correct += c.correct;
    sum.area += c.area;
    sum.blurred += c.blurred;
  }
  return sum;
}

Json AnonymizerMetrics::ToJson() const {
  Json classes = Json::object();
  for (const char* cls : kClasses) {
    auto cell_json = [](const Cell& c) {
      return Json{{"recall", Ratio(c.found, c.gt)},
                  {"precision", Ratio(c.correct, c.pred)},
                  {"tba", Ratio(c.blurred, c.area)},
                  {"ground_truth", c.gt},
                  {"detections", c.pred}};
    };
    Json j = cell_json(Get(cls));
    Json by = Json::object();
    for (int b = 0; b < 3; ++b) by[kBuckets[b]] = cell_json(Get(cls, b));
    j["by_size"] = by;
    classes[cls] = j;
  }
  return Json{{"classes", classes}, {"ms_per_megapixel", MsPerMegapixel()}};
}

std::string AnonymizerMetrics::Table() const {
  std::ostringstream o;
  char line[160];
  std::snprintf(line, sizeof line, "%-7s %-7s %5s %5s %8s %5s %5s %10s\n", "class", "size", "gt",
                "found", "recall%", "det", "tp", "precision%");
  o << line;
  for (const char* cls : kClasses) {
    for (int b = -1; b < 3; ++b) {
      const Cell c = Get(cls, b);
      std::snprintf(line, sizeof line, "%-7s %-7s %5d %5d %8s %5d %5d %10s   tba%% %s\n", cls,
                    b < 0 ? "all" : kBuckets[b], c.gt, c.found, Pct(c.found, c.gt).c_str(), c.pred,
                    c.correct, Pct(c.correct, c.pred).c_str(), Pct(c.blurred, c.area).c_str());
      o << line;
    }
  }
  std::snprintf(line, sizeof line, "ms per megapixel: %.1f\n", MsPerMegapixel());
  o << line;
  return o.str();
}

Result<cv::Mat> LoadEvalImage(const std::string& ref) {
  cv::Mat img;
  try {
    const auto hash = ref.rfind('#');
    if (hash != std::string::npos) {
      cv::VideoCapture cap(ref.substr(0, hash));
      if (!cap.isOpened()) return Status::NotFound("cannot open video " + ref.substr(0, hash));
      const int frame = std::atoi(ref.c_str() + hash + 1);
      // Sequential read: seeking is not frame-exact in every container.
      for (int i = 0; i <= frame; ++i) {
        if (!cap.read(img)) return Status::NotFound("video has no frame " + ref);
      }
    } else {
      img = cv::imread(ref, cv::IMREAD_COLOR);
    }
  } catch (const cv::Exception& e) {
    return Status::InvalidArgument(std::string("unreadable image: ") + e.what(), ref);
  }
  if (img.empty()) return Status::NotFound("image missing or unreadable: " + ref, ref);
  return img;
}

Result<AnonymizerMetrics> EvaluateAnonymizer(imaging::Anonymizer& anonymizer,
                                             const std::vector<AnnotatedImage>& set) {
  AnonymizerMetrics m;
  for (const AnnotatedImage& a : set) {
    TILSYN_ASSIGN_OR_RETURN(cv::Mat img, LoadEvalImage(a.image));
    const auto t0 = std::chrono::steady_clock::now();
    auto report = anonymizer.Anonymize(img);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!report.ok()) return report.status().Annotate(a.image);
    std::vector<PredictedBox> pred;
    std::vector<cv::Rect> blurred;
    for (const imaging::BlurredRegion& r : report->regions) {
      pred.push_back({r.cls, r.object});
      blurred.push_back(r.box);
    }
    m.Add(a.boxes, pred, blurred, img.size());
    m.set_detectors(report->detectors);
    m.AddTime(ms, img.total() / 1e6);
  }
  return m;
}

int RunEvalAnonymizer(const EvalAnonymizerFlags& f) {
  auto set = LoadAnnotations(f.labels, f.images);
  if (!set.ok()) {
    std::cerr << "eval anonymizer: " << set.status().ToString() << "\n";
    return 2;
  }
  imaging::AnonymizerOptions o;
  o.detectors = f.detectors;
  o.blur = f.blur;
  o.model_dir = f.models;
  o.manifest = f.manifest;
  o.haar_scale_factor = f.haar_scale_factor;
  o.tile = f.tile;
  auto anon = imaging::NewAnonymizer(o);
  if (!anon.ok()) {
    std::cerr << "eval anonymizer: " << anon.status().ToString() << "\n";
    return 2;
  }
  auto m = EvaluateAnonymizer(**anon, *set);
  if (!m.ok()) {
    std::cerr << "eval anonymizer: " << m.status().ToString() << "\n";
    return 1;
  }
  if (f.json) {
    std::cout << m->ToJson().dump() << "\n";
  } else {
    std::cout << set->size() << " images, detectors: ";
    for (size_t i = 0; i < m->detectors().size(); ++i) {
      std::cout << (i ? ", " : "") << m->detectors()[i];
    }
    std::cout << "\n" << m->Table();
  }
  return 0;
}

}  // namespace tilsyn::eval
