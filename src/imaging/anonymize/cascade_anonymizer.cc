// The default anonymizer: OpenCV Haar cascades (Debian opencv-data) for frontal and profile
// faces and licence plates, run on an equalised grayscale copy; every hit is grown by a margin
// and blurred in place.
#include <chrono>
#include <opencv2/core/version.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "imaging/anonymize/blur.h"
#include "imaging/anonymizer.h"

namespace tilsyn::imaging {
namespace {

constexpr int kMaxDetectSide = 1920;  // larger images are searched on a downscaled copy

std::string Versioned(const std::string& name) {
  return name + "@opencv-" + std::to_string(CV_VERSION_MAJOR) + "." +
         std::to_string(CV_VERSION_MINOR);
}

struct Detector {
  std::string name;        // e.g. "haar-frontalface"
  std::string cls;         // "face" or "plate"
  cv::CascadeClassifier cascade;
  bool mirrored = false;   // also search the mirrored image (profile cascade sees one side)
  int min_neighbors = 5;
  cv::Size min_size;
};

// Greedy de-duplication: a box overlapping an earlier one of the same class (IoU > 0.3 or
// mostly contained) is the same object seen by another cascade.
std::vector<cv::Rect> Dedupe(const std::vector<cv::Rect>& boxes) {
  std::vector<cv::Rect> kept;
  for (const cv::Rect& b : boxes) {
    bool dup = false;
    for (const cv::Rect& k : kept) {
      const double inter = (b & k).area();
      if (BoxIou(b, k) > 0.3 || inter > 0.7 * std::min(b.area(), k.area())) {
        dup = true;
        break;
      }
    }
    if (!dup) kept.push_back(b);
  }
  return kept;
}

class CascadeAnonymizer : public Anonymizer {
 public:
  CascadeAnonymizer(std::vector<Detector> detectors, double margin)
      : detectors_(std::move(detectors)), margin_(margin) {}

  Result<AnonymizationReport> Anonymize(cv::Mat& bgr) override {
    if (bgr.empty() || bgr.type() != CV_8UC3) {
      return Status::InvalidArgument("anonymizer needs an 8-bit 3-channel image", "image");
    }
    const auto t0 = std::chrono::steady_clock::now();
    AnonymizationReport report;
    try {
      double scale = 1.0;
      cv::Mat gray;
      cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
      const int side = std::max(bgr.cols, bgr.rows);
      if (side > kMaxDetectSide) {
        scale = static_cast<double>(kMaxDetectSide) / side;
        cv::resize(gray, gray, cv::Size(), scale, scale, cv::INTER_AREA);
      }
      cv::equalizeHist(gray, gray);
      cv::Mat mirrored;

      std::map<std::string, std::vector<cv::Rect>> by_class;
      for (Detector& d : detectors_) {
        report.detectors.push_back(Versioned(d.name));
        std::vector<cv::Rect> hits;
        d.cascade.detectMultiScale(gray, hits, 1.1, d.min_neighbors, 0, d.min_size);
        if (d.mirrored) {
          if (mirrored.empty()) cv::flip(gray, mirrored, 1);
          std::vector<cv::Rect> more;
          d.cascade.detectMultiScale(mirrored, more, 1.1, d.min_neighbors, 0, d.min_size);
          for (const cv::Rect& r : more) {
            hits.push_back(cv::Rect(gray.cols - r.x - r.width, r.y, r.width, r.height));
          }
        }
        auto& out = by_class[d.cls];
        for (const cv::Rect& r : hits) {
          out.push_back(cv::Rect(static_cast<int>(r.x / scale), static_cast<int>(r.y / scale),
                                 static_cast<int>(r.width / scale),
                                 static_cast<int>(r.height / scale)));
        }
      }
      for (auto& [cls, boxes] : by_class) {
        const std::vector<cv::Rect> unique = Dedupe(boxes);
        for (const cv::Rect& r : unique) BlurRegion(bgr, GrowBox(r, margin_, bgr.size()));
        if (!unique.empty()) report.counts[cls] = static_cast<int>(unique.size());
      }
    } catch (const cv::Exception& e) {
      return Status::Internal(std::string("anonymizer failed: ") + e.what());
    }
    report.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                    .count();
    return report;
  }

 private:
  std::vector<Detector> detectors_;
  double margin_;
};

Status Load(const std::string& dir, const std::string& file, Detector& d) {
  const std::string path = dir + "/" + file;
  try {
    if (!d.cascade.load(path)) return Status::NotFound("cannot load cascade " + path);
  } catch (const cv::Exception& e) {
    return Status::NotFound("cannot load cascade " + path + ": " + e.what());
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Anonymizer>> NewCascadeAnonymizer(const CascadeAnonymizerOptions& o) {
  const int min_face = std::max(8, o.min_face_px);
  struct Spec {
    const char* name;
    const char* cls;
    const char* file;
    bool mirrored;
    int min_neighbors;
    cv::Size min_size;
  };
  const Spec specs[] = {
      {"haar-frontalface", "face", "haarcascade_frontalface_default.xml", false, 5,
       cv::Size(min_face, min_face)},
      {"haar-profileface", "face", "haarcascade_profileface.xml", true, 5,
       cv::Size(min_face, min_face)},
      {"haar-russian-plate", "plate", "haarcascade_russian_plate_number.xml", false, 4,
       cv::Size(30, 10)},
  };
  std::vector<Detector> detectors;
  for (const Spec& s : specs) {
    Detector d;
    d.name = s.name;
    d.cls = s.cls;
    d.mirrored = s.mirrored;
    d.min_neighbors = s.min_neighbors;
    d.min_size = s.min_size;
    TILSYN_RETURN_IF_ERROR(Load(o.cascade_dir, s.file, d));
    detectors.push_back(std::move(d));
  }
  return std::unique_ptr<Anonymizer>(new CascadeAnonymizer(std::move(detectors), o.margin));
}

}  // namespace tilsyn::imaging
