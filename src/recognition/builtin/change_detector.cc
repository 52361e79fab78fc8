#include "recognition/builtin/change_detector.h"

#include <algorithm>
#include <cmath>
#include <opencv2/calib3d.hpp>
#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>

namespace tilsyn::recognition {
namespace {

cv::Mat Gray(const cv::Mat& m) {
  cv::Mat g;
  if (m.channels() == 3) cv::cvtColor(m, g, cv::COLOR_BGR2GRAY);
  else if (m.channels() == 4) cv::cvtColor(m, g, cv::COLOR_BGRA2GRAY);
  else g = m.clone();
  return g;
}

cv::Mat Shrink(const cv::Mat& g, int side, double* scale) {
  *scale = std::min(1.0, static_cast<double>(side) / std::max(g.cols, g.rows));
  if (*scale >= 1.0) return g;
  cv::Mat out;
  cv::resize(g, out, cv::Size(), *scale, *scale, cv::INTER_AREA);
  return out;
}

double RegionScore(double mean_diff, double threshold) {
  return 1.0 / (1.0 + std::exp(-4.0 * (mean_diff / threshold - 1.25)));
}

}  // namespace

ChangeResult DetectChange(const cv::Mat& reference, const cv::Mat& image, const ChangeOptions& o,
                          const std::optional<cv::Rect2d>& roi) {
  ChangeResult r;
  r.mask = cv::Mat::zeros(image.rows, image.cols, CV_8U);
  if (reference.empty() || image.empty()) return r;
  double sr = 1, si = 1;
  const cv::Mat ref = Shrink(Gray(reference), o.work_side, &sr);
  const cv::Mat img = Shrink(Gray(image), o.work_side, &si);

  auto orb = cv::ORB::create(o.orb_features);
  std::vector<cv::KeyPoint> kr, ki;
  cv::Mat dr, di;
  orb->detectAndCompute(ref, cv::noArray(), kr, dr);
  orb->detectAndCompute(img, cv::noArray(), ki, di);
  if (dr.empty() || di.empty()) return r;
  cv::BFMatcher matcher(cv::NORM_HAMMING);
  std::vector<std::vector<cv::DMatch>> knn;
  matcher.knnMatch(dr, di, knn, 2);
  std::vector<cv::Point2f> pr, pi;
  for (const auto& m : knn) {
    if (m.size() == 2 && m[0].distance < o.ratio * m[1].distance) {
      pr.push_back(kr[m[0].queryIdx].pt);
      pi.push_back(ki[m[0].trainIdx].pt);
    }
  }
  if (static_cast<int>(pr.size()) < o.min_inliers) return r;
  std::vector<uchar> inlier_mask;
  cv::Mat h = cv::findHomography(pr, pi, cv::RANSAC, 3.0, inlier_mask, 2000, 0.995);
  if (h.empty()) return r;
  r.inliers = cv::countNonZero(inlier_mask);
  if (r.inliers < o.min_inliers) return r;

  // Reference warped into the new view; `valid` marks the overlap (eroded: warp borders blur).
  cv::Mat warped, valid;
  cv::warpPerspective(ref, warped, h, img.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT);
  cv::warpPerspective(cv::Mat(ref.size(), CV_8U, cv::Scalar(255)), valid, h, img.size(),
                      cv::INTER_NEAREST, cv::BORDER_CONSTANT);
  cv::erode(valid, valid, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(9, 9)));
  if (static_cast<size_t>(cv::countNonZero(valid)) < img.total() / 10) return r;  // barely overlap
  // Where change is measured: the overlap, or the region of interest of the reference as it
  // appears in the new view. Brightness is still matched over the whole overlap, so an object
  // that is gone (a sign painted over) is not matched away.
  cv::Mat measured = valid;
  if (roi) {
    const cv::Rect r_px(static_cast<int>(std::floor(roi->x * ref.cols)),
                        static_cast<int>(std::floor(roi->y * ref.rows)),
                        std::max(1, static_cast<int>(std::round(roi->width * ref.cols))),
                        std::max(1, static_cast<int>(std::round(roi->height * ref.rows))));
    cv::Mat in_ref = cv::Mat::zeros(ref.size(), CV_8U);
    in_ref(r_px & cv::Rect(0, 0, ref.cols, ref.rows)).setTo(255);
    cv::Mat in_img;
    cv::warpPerspective(in_ref, in_img, h, img.size(), cv::INTER_NEAREST, cv::BORDER_CONSTANT);
    const int seen = cv::countNonZero(in_img);
    // The region must be in view: most of it inside the new image, and not a sliver.
    const double expected = static_cast<double>(r_px.area()) * cv::determinant(h(cv::Rect(0, 0, 2, 2)));
    if (seen < 64 || seen < 0.5 * expected) return r;
    measured = valid & in_img;
    if (cv::countNonZero(measured) < 0.5 * seen) return r;
  }
  const int overlap = cv::countNonZero(measured);
  r.aligned = true;

  // With `colour`, where both images have it: an object can differ from the street in hue more
  // than in brightness (a yellow skip blurred by the anonymizer, on grey cobbles).
  std::vector<cv::Mat> ref_ch, img_ch;
  if (o.colour && reference.channels() == 3 && image.channels() == 3) {
    cv::Mat ref_c = reference, img_c = image;
    if (sr < 1.0) cv::resize(reference, ref_c, ref.size(), 0, 0, cv::INTER_AREA);
    if (si < 1.0) cv::resize(image, img_c, img.size(), 0, 0, cv::INTER_AREA);
    cv::Mat warped_c;
    cv::warpPerspective(ref_c, warped_c, h, img.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT);
    cv::split(warped_c, ref_ch);
    cv::split(img_c, img_ch);
  } else {
    ref_ch = {warped};
    img_ch = {img};
  }
  // Per channel: match brightness and contrast of the aligned reference to the new image in the
  // overlap, blur both, and keep the largest difference over the channels.
  cv::Mat diff;
  for (size_t c = 0; c < ref_ch.size(); ++c) {
    cv::Scalar mr, sdr, mi, sdi;
    cv::meanStdDev(ref_ch[c], mr, sdr, valid);
    cv::meanStdDev(img_ch[c], mi, sdi, valid);
    cv::Mat ref_f, img_f, d;
    const double gain = sdr[0] > 1e-3 ? sdi[0] / sdr[0] : 1.0;
    ref_ch[c].convertTo(ref_f, CV_32F, gain, mi[0] - gain * mr[0]);
    img_ch[c].convertTo(img_f, CV_32F);
    cv::GaussianBlur(ref_f, ref_f, cv::Size(5, 5), 0);
    cv::GaussianBlur(img_f, img_f, cv::Size(5, 5), 0);
    cv::absdiff(ref_f, img_f, d);
    diff = diff.empty() ? d : cv::max(diff, d);
  }
  cv::Mat diff8, changed;
  diff.convertTo(diff8, CV_8U);
  cv::threshold(diff8, changed, o.diff_threshold, 255, cv::THRESH_BINARY);
  changed.setTo(0, measured == 0);
  const int k = std::max(3, (std::max(img.cols, img.rows) / 160) | 1);
  cv::morphologyEx(changed, changed, cv::MORPH_OPEN,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(k, k)));
  cv::morphologyEx(changed, changed, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * k + 1, 2 * k + 1)));
  changed.setTo(0, measured == 0);

  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(changed, labels, stats, centroids, 8, CV_32S);
  cv::Mat kept = cv::Mat::zeros(img.size(), CV_8U);
  int changed_px = 0;
  const double inv = 1.0 / si;
  const cv::Rect bounds(0, 0, image.cols, image.rows);
  for (int c = 1; c < n; ++c) {
    const int area = stats.at<int>(c, cv::CC_STAT_AREA);
    if (area < o.min_region_fraction * overlap) continue;
    const cv::Mat region = labels == c;
    kept.setTo(255, region);
    changed_px += area;
    const double mean = cv::mean(diff, region)[0];
    cv::Rect box(static_cast<int>(stats.at<int>(c, cv::CC_STAT_LEFT) * inv),
                 static_cast<int>(stats.at<int>(c, cv::CC_STAT_TOP) * inv),
                 static_cast<int>(std::ceil(stats.at<int>(c, cv::CC_STAT_WIDTH) * inv)),
                 static_cast<int>(std::ceil(stats.at<int>(c, cv::CC_STAT_HEIGHT) * inv)));
    box &= bounds;
    if (box.empty()) continue;
    r.regions.emplace_back("change", RegionScore(mean, o.diff_threshold),
                           tasks::Box{box.x, box.y, box.width, box.height}, std::string(),
                           static_cast<double>(area) / overlap);
  }
  r.changed_fraction = static_cast<double>(changed_px) / overlap;
  cv::resize(kept, r.mask, image.size(), 0, 0, cv::INTER_NEAREST);
  std::sort(r.regions.begin(), r.regions.end(),
            [](const tasks::Detection& a, const tasks::Detection& b) { return a.score > b.score; });
  return r;
}

namespace {

class ChangeRecognizer : public Recognizer {
 public:
  ChangeRecognizer(const std::string& name, ChangeOptions o) : options_(o) {
    info_.name = name;
    info_.type = "change";
    info_.labels = {"change"};
    info_.terms = DataTerms::kLocal;
    info_.timeout_ms = o.timeout_ms;
    info_.cost = 1;
  }

  const ServiceInfo& info() const override { return info_; }

  Result<Recognition> Recognize(const cv::Mat& bgr, const RecognizeRequest& req) override {
    if (bgr.empty() || bgr.depth() != CV_8U) {
      return Status::InvalidArgument("change needs an 8-bit image", "image");
    }
    Recognition out;
    out.service = info_.name;
    if (req.reference.empty() || req.reference.depth() != CV_8U) return out;  // inconclusive
    ChangeResult c;
    try {
      c = DetectChange(req.reference, bgr, options_, req.roi);
    } catch (const cv::Exception& e) {
      return Status::Internal(std::string("change detection failed: ") + e.what());
    }
    if (!c.aligned) return out;  // cannot compare: inconclusive, let a fallback try
    out.detections = std::move(c.regions);
    out.good_enough = IsGoodEnough(out.detections, req);
    return out;
  }

 private:
  ServiceInfo info_;
  ChangeOptions options_;
};

}  // namespace

Result<std::unique_ptr<Recognizer>> NewChangeRecognizer(const std::string& name,
                                                        const Json& settings) {
  if (!settings.is_null() && !settings.is_object()) {
    return Status::InvalidArgument("settings must be an object", "settings");
  }
  const Json s = settings.is_object() ? settings : Json::object();
  ChangeOptions o;
  TILSYN_ASSIGN_OR_RETURN(auto ws, GetOptInt(s, "work_side", "settings.work_side"));
  TILSYN_ASSIGN_OR_RETURN(auto nf, GetOptInt(s, "orb_features", "settings.orb_features"));
  TILSYN_ASSIGN_OR_RETURN(auto ra, GetOptNumber(s, "ratio", "settings.ratio"));
  TILSYN_ASSIGN_OR_RETURN(auto mi, GetOptInt(s, "min_inliers", "settings.min_inliers"));
  TILSYN_ASSIGN_OR_RETURN(auto dt, GetOptInt(s, "diff_threshold", "settings.diff_threshold"));
  TILSYN_ASSIGN_OR_RETURN(auto mr, GetOptNumber(s, "min_region_fraction", "settings.min_region_fraction"));
  TILSYN_ASSIGN_OR_RETURN(auto to, GetOptInt(s, "timeout_ms", "settings.timeout_ms"));
  TILSYN_ASSIGN_OR_RETURN(auto colour, GetOptBool(s, "colour", "settings.colour"));
  if (colour) o.colour = *colour;
  if (ws) o.work_side = static_cast<int>(*ws);
  if (nf) o.orb_features = static_cast<int>(*nf);
  if (ra) o.ratio = *ra;
  if (mi) o.min_inliers = static_cast<int>(*mi);
  if (dt) o.diff_threshold = static_cast<int>(*dt);
  if (mr) o.min_region_fraction = *mr;
  if (to) o.timeout_ms = static_cast<int>(*to);
  if (o.work_side < 160 || o.work_side > 4096) {
    return Status::InvalidArgument("work_side must be 160..4096", "settings.work_side");
  }
  if (o.orb_features < 100 || o.orb_features > 50'000) {
    return Status::InvalidArgument("orb_features must be 100..50000", "settings.orb_features");
  }
  if (!(o.ratio > 0 && o.ratio < 1)) return Status::InvalidArgument("ratio must be in (0, 1)", "settings.ratio");
  if (o.min_inliers < 4) return Status::InvalidArgument("min_inliers must be >= 4", "settings.min_inliers");
  if (o.diff_threshold < 1 || o.diff_threshold > 254) {
    return Status::InvalidArgument("diff_threshold must be 1..254", "settings.diff_threshold");
  }
  if (!(o.min_region_fraction >= 0 && o.min_region_fraction < 1)) {
    return Status::InvalidArgument("min_region_fraction must be in [0, 1)", "settings.min_region_fraction");
  }
  if (o.timeout_ms <= 0) return Status::InvalidArgument("timeout_ms must be > 0", "settings.timeout_ms");
  return std::unique_ptr<Recognizer>(new ChangeRecognizer(name, o));
}

}  // namespace tilsyn::recognition
