#include "imaging/dnn_detector.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "core/crypto.h"
#include "core/file_util.h"
#include "imaging/input_blob.h"
#include "imaging/nms.h"

namespace tilsyn::imaging {
namespace {

// A raw detection in network-input pixels, before label mapping.
struct Cand {
  int cls = 0;
  float score = 0;
  cv::Rect2f box;
};

// Network input -> original image: orig = (net - pad) / scale.
struct Geometry {
  double sx = 1, sy = 1, px = 0, py = 0;
  int net_w = 0, net_h = 0;
};

float Sigmoid(float x) { return 1.f / (1.f + std::exp(-x)); }

// Resizes (or letterboxes) into the network's input size; returns the canvas and geometry.
cv::Mat Fit(const cv::Mat& bgr, const ModelInput& in, Geometry& g) {
  g.net_w = in.width;
  g.net_h = in.height;
  cv::Mat canvas;
  if (in.letterbox) {
    const double fit = std::min(static_cast<double>(in.width) / bgr.cols,
                                static_cast<double>(in.height) / bgr.rows);
    const double s = in.upscale ? fit : std::min(1.0, fit);
    const int nw = std::max(1, static_cast<int>(std::round(bgr.cols * s)));
    const int nh = std::max(1, static_cast<int>(std::round(bgr.rows * s)));
    cv::Mat resized;
    cv::resize(bgr, resized, cv::Size(nw, nh), 0, 0, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    const int left = (in.width - nw) / 2, top = (in.height - nh) / 2;
    cv::copyMakeBorder(resized, canvas, top, in.height - nh - top, left, in.width - nw - left,
                       cv::BORDER_CONSTANT, cv::Scalar(114, 114, 114));
    g.sx = static_cast<double>(nw) / bgr.cols;
    g.sy = static_cast<double>(nh) / bgr.rows;
    g.px = left;
    g.py = top;
  } else {
    cv::resize(bgr, canvas, cv::Size(in.width, in.height), 0, 0, cv::INTER_AREA);
    g.sx = static_cast<double>(in.width) / bgr.cols;
    g.sy = static_cast<double>(in.height) / bgr.rows;
  }
  return canvas;
}

// A 2-D float view (rows x cols) of an output whose rows are detections.
cv::Mat Rows(const cv::Mat& out, int expected_cols) {
  if (out.dims == 2) return out;
  const int last = out.size[out.dims - 1];
  const int prev = out.size[out.dims - 2];
  cv::Mat m(static_cast<int>(out.total() / last), last, CV_32F,
            const_cast<float*>(out.ptr<float>()));
  // [1, C, N] (YOLOv8 style): transpose when the middle axis holds the columns.
  if (expected_cols > 0 && prev == expected_cols && last != expected_cols) {
    cv::Mat t;
    cv::transpose(cv::Mat(prev, last, CV_32F, const_cast<float*>(out.ptr<float>())), t);
    return t;
  }
  return m;
}

void DecodeYolo(const std::vector<cv::Mat>& outs, const ModelSpec& s, bool has_obj, bool darknet,
                float min_score, const Geometry& g, std::vector<Cand>& cands) {
  const int nc = static_cast<int>(s.labels.size());
  const int head = has_obj ? 5 : 4;
  for (const cv::Mat& out : outs) {
    cv::Mat rows = Rows(out, head + nc);
    if (rows.cols < head + 1) continue;
    const int ncls = std::min(nc, rows.cols - head);
    // Normalised coordinates (Darknet region layers, some exports) or input pixels.
    bool normalised = darknet;
    if (!darknet) {
      float mx = 0;
      for (int r = 0; r < rows.rows; ++r) {
        const float* v = rows.ptr<float>(r);
        mx = std::max({mx, v[2], v[3]});
      }
      normalised = mx <= 2.f;
    }
    const float nx = normalised ? static_cast<float>(g.net_w) : 1.f;
    const float ny = normalised ? static_cast<float>(g.net_h) : 1.f;
    for (int r = 0; r < rows.rows; ++r) {
      const float* v = rows.ptr<float>(r);
      const float obj = has_obj ? v[4] : 1.f;
      if (has_obj && !darknet && obj < min_score) continue;
      int best = -1;
      float best_score = 0;
      for (int c = 0; c < ncls; ++c) {
        // Darknet's region layer already multiplies class scores by objectness.
        const float sc = darknet ? v[head + c] : obj * v[head + c];
        if (sc > best_score) {
          best_score = sc;
          best = c;
        }
      }
      if (best < 0 || best_score < min_score) continue;
      const float w = v[2] * nx, h = v[3] * ny;
      cands.push_back({best, best_score, cv::Rect2f(v[0] * nx - w / 2, v[1] * ny - h / 2, w, h)});
    }
  }
}

void DecodeSsd(const std::vector<cv::Mat>& outs, float min_score, const Geometry& g,
               std::vector<Cand>& cands) {
  for (const cv::Mat& out : outs) {
    if (out.total() % 7 != 0) continue;
    const float* v = out.ptr<float>();
    for (size_t i = 0; i < out.total() / 7; ++i, v += 7) {
      if (v[2] < min_score) continue;
      const float x1 = v[3] * g.net_w, y1 = v[4] * g.net_h;
      const float x2 = v[5] * g.net_w, y2 = v[6] * g.net_h;
      cands.push_back({static_cast<int>(v[1]), v[2], cv::Rect2f(x1, y1, x2 - x1, y2 - y1)});
    }
  }
}

void DecodeUltraface(const std::vector<cv::Mat>& outs, const ModelSpec& s, float min_score,
                     const Geometry& g, std::vector<Cand>& cands) {
  const cv::Mat* scores = nullptr;
  const cv::Mat* boxes = nullptr;
  for (const cv::Mat& o : outs) {
    if (o.size[o.dims - 1] == 2) scores = &o;
    if (o.size[o.dims - 1] == 4) boxes = &o;
  }
  if (!scores || !boxes || scores->total() / 2 != boxes->total() / 4) return;
  const int cls = s.labels.size() > 1 ? 1 : 0;
  const float* sc = scores->ptr<float>();
  const float* bx = boxes->ptr<float>();
  for (size_t i = 0; i < scores->total() / 2; ++i) {
    const float p = sc[2 * i + 1];
    if (p < min_score) continue;
    const float* b = bx + 4 * i;
    const float x1 = b[0] * g.net_w, y1 = b[1] * g.net_h;
    cands.push_back({cls, p, cv::Rect2f(x1, y1, b[2] * g.net_w - x1, b[3] * g.net_h - y1)});
  }
}

void DecodeFastestDet(const std::vector<cv::Mat>& outs, float min_score, const Geometry& g,
                      std::vector<Cand>& cands) {
  for (const cv::Mat& out : outs) {
    if (out.dims != 4 || out.size[1] < 6) continue;
    const int ch = out.size[1], gh = out.size[2], gw = out.size[3];
    const float* base = out.ptr<float>();
    const size_t plane = static_cast<size_t>(gh) * gw;
    for (int r = 0; r < gh; ++r) {
      for (int c = 0; c < gw; ++c) {
        const size_t i = static_cast<size_t>(r) * gw + c;
        const float obj = base[i];
        int best = 0;
        float best_cls = 0;
        for (int k = 5; k < ch; ++k) {
          const float v = base[k * plane + i];
          if (v > best_cls) {
            best_cls = v;
            best = k - 5;
          }
        }
        const float score = std::pow(std::max(obj, 0.f), 0.6f) * std::pow(best_cls, 0.4f);
        if (score < min_score) continue;
        const float cx = (c + std::tanh(base[plane + i])) / gw;
        const float cy = (r + std::tanh(base[2 * plane + i])) / gh;
        const float w = Sigmoid(base[3 * plane + i]), h = Sigmoid(base[4 * plane + i]);
        cands.push_back(
            {best, score,
             cv::Rect2f((cx - w / 2) * g.net_w, (cy - h / 2) * g.net_h, w * g.net_w, h * g.net_h)});
      }
    }
  }
}

void DecodeBlazeFace(const std::vector<cv::Mat>& outs, float min_score, const Geometry& g,
                     std::vector<Cand>& cands) {
  // Outputs: scores 512 and 384, regressors 512x16 and 384x16 (either order).
  const cv::Mat* sc[2] = {nullptr, nullptr};
  const cv::Mat* bx[2] = {nullptr, nullptr};
  for (const cv::Mat& o : outs) {
    switch (o.total()) {
      case 512:
        sc[0] = &o;
        break;
      case 384:
        sc[1] = &o;
        break;
      case 512 * 16:
        bx[0] = &o;
        break;
      case 384 * 16:
        bx[1] = &o;
        break;
      case 896:
        sc[0] = &o;
        sc[1] = nullptr;
        break;  // concatenated variants
      case 896 * 16:
        bx[0] = &o;
        bx[1] = nullptr;
        break;
      default:
        break;
    }
  }
  if (!sc[0] || !bx[0]) return;
  static const std::vector<cv::Point2f> anchors = BlazeFaceAnchors();
  std::vector<float> scores, regs;
  for (int l = 0; l < 2; ++l) {
    if (!sc[l] || !bx[l]) continue;
    scores.insert(scores.end(), sc[l]->ptr<float>(), sc[l]->ptr<float>() + sc[l]->total());
    regs.insert(regs.end(), bx[l]->ptr<float>(), bx[l]->ptr<float>() + bx[l]->total());
  }
  const size_t n = std::min(scores.size(), anchors.size());
  // Regressors are in input pixels of the model (128 for the front model).
  const float size_x = static_cast<float>(g.net_w), size_y = static_cast<float>(g.net_h);
  for (size_t i = 0; i < n; ++i) {
    const float p = Sigmoid(std::clamp(scores[i], -100.f, 100.f));
    if (p < min_score) continue;
    const float* r = &regs[i * 16];
    const float cx = anchors[i].x + r[0] / size_x, cy = anchors[i].y + r[1] / size_y;
    const float w = r[2] / size_x, h = r[3] / size_y;
    cands.push_back(
        {0, p, cv::Rect2f((cx - w / 2) * size_x, (cy - h / 2) * size_y, w * size_x, h * size_y)});
  }
}

std::string VersionOf(const ModelSpec& s) {
  auto bytes = ReadFile(s.file);
  std::string v = s.name;
  if (bytes.ok()) v += "@" + Sha256Hex(*bytes).substr(0, 8);
  return v;
}

}  // namespace

struct DnnDetector::Impl {
  cv::dnn::Net net;
  std::vector<std::string> out_names;
  cv::Ptr<cv::FaceDetectorYN> yunet;
  cv::Size yunet_size;
};

DnnDetector::DnnDetector(ModelSpec spec, std::unique_ptr<Impl> impl, std::string version)
    : spec_(std::move(spec)), impl_(std::move(impl)), version_(std::move(version)) {}
DnnDetector::~DnnDetector() = default;

std::vector<cv::Point2f> BlazeFaceAnchors() {
  // MediaPipe SsdAnchorsCalculator, face_detection_front: num_layers 4, strides 8,16,16,16,
  // input 128x128, anchor_offset 0.5, 2 anchors per layer (aspect 1.0 + interpolated scale),
  // fixed_anchor_size: consecutive layers with the same stride are merged onto one grid.
  const int strides[] = {8, 16, 16, 16};
  const int input = 128;
  std::vector<cv::Point2f> anchors;
  int layer = 0;
  while (layer < 4) {
    int per_cell = 0;
    int last = layer;
    while (last < 4 && strides[last] == strides[layer]) {
      per_cell += 2;
      ++last;
    }
    const int cells = (input + strides[layer] - 1) / strides[layer];
    for (int y = 0; y < cells; ++y) {
      for (int x = 0; x < cells; ++x) {
        for (int a = 0; a < per_cell; ++a) {
          anchors.emplace_back((x + 0.5f) / cells, (y + 0.5f) / cells);
        }
      }
    }
    layer = last;
  }
  return anchors;
}

Result<std::unique_ptr<DnnDetector>> DnnDetector::Create(const ModelSpec& spec) {
  auto impl = std::make_unique<Impl>();
  try {
    if (spec.format == "yunet" || spec.decoder == "yunet") {
      impl->yunet_size = cv::Size(spec.input.width, spec.input.height);
      impl->yunet = cv::FaceDetectorYN::create(spec.file, "", impl->yunet_size, 0.5f,
                                               static_cast<float>(spec.nms_iou), 5000);
      if (impl->yunet.empty()) return Status::Internal("cannot load YuNet " + spec.file);
    } else if (spec.format == "onnx") {
      impl->net = cv::dnn::readNetFromONNX(spec.file);
    } else if (spec.format == "darknet") {
      impl->net = cv::dnn::readNetFromDarknet(spec.config, spec.file);
    } else if (spec.format == "caffe") {
      impl->net = cv::dnn::readNetFromCaffe(spec.config, spec.file);
    } else {
      return Status::InvalidArgument("format " + spec.format + " is not run by OpenCV DNN",
                                     "format");
    }
    if (!impl->yunet) {
      if (impl->net.empty()) return Status::Internal("cannot load model " + spec.file);
      impl->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
      impl->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
      impl->out_names = impl->net.getUnconnectedOutLayersNames();
    }
  } catch (const cv::Exception& e) {
    return Status::Internal("cannot load model " + spec.file + ": " + e.what());
  }
  static const char* kDecoders[] = {"yolo",       "yolo-noobj", "ssd",  "ultraface",
                                    "fastestdet", "blazeface",  "yunet"};
  if (std::find_if(std::begin(kDecoders), std::end(kDecoders),
                   [&](const char* d) { return spec.decoder == d; }) == std::end(kDecoders)) {
    return Status::InvalidArgument("decoder " + spec.decoder + " is not run by OpenCV DNN",
                                   "decoder");
  }
  return std::unique_ptr<DnnDetector>(new DnnDetector(spec, std::move(impl), VersionOf(spec)));
}

Result<std::vector<tasks::Detection>> DnnDetector::Detect(const cv::Mat& input) {
  if (input.empty() || input.depth() != CV_8U || (input.channels() != 3 && input.channels() != 1)) {
    return Status::InvalidArgument("detector needs an 8-bit image", "image");
  }
  cv::Mat bgr = input;
  if (input.channels() == 1) cv::cvtColor(input, bgr, cv::COLOR_GRAY2BGR);

  float min_score = static_cast<float>(spec_.default_threshold);
  for (const auto& [label, t] : spec_.thresholds) min_score = std::min(min_score, float(t));

  std::vector<Cand> cands;
  Geometry g;
  std::lock_guard<std::mutex> lock(mu_);
  try {
    if (impl_->yunet) {
      // YuNet runs at the image size, scaled down to fit input.width x input.height.
      const double s = std::min({1.0, double(impl_->yunet_size.width) / bgr.cols,
                                 double(impl_->yunet_size.height) / bgr.rows});
      cv::Mat img = bgr;
      if (s < 1) cv::resize(bgr, img, cv::Size(), s, s, cv::INTER_AREA);
      g.sx = double(img.cols) / bgr.cols;
      g.sy = double(img.rows) / bgr.rows;
      impl_->yunet->setInputSize(img.size());
      impl_->yunet->setScoreThreshold(min_score);
      cv::Mat faces;
      impl_->yunet->detect(img, faces);
      for (int r = 0; r < faces.rows; ++r) {
        const float* v = faces.ptr<float>(r);
        cands.push_back({0, v[14], cv::Rect2f(v[0], v[1], v[2], v[3])});
      }
    } else {
      const cv::Mat canvas = Fit(bgr, spec_.input, g);
      impl_->net.setInput(spec_.decoder == "blazeface" ? NhwcBlob(canvas, spec_.input)
                                                       : NchwBlob(canvas, spec_.input));
      std::vector<cv::Mat> outs;
      impl_->net.forward(outs, impl_->out_names);
      const std::string& d = spec_.decoder;
      if (d == "yolo" || d == "yolo-noobj") {
        DecodeYolo(outs, spec_, d == "yolo", spec_.format == "darknet", min_score, g, cands);
      } else if (d == "ssd") {
        DecodeSsd(outs, min_score, g, cands);
      } else if (d == "ultraface") {
        DecodeUltraface(outs, spec_, min_score, g, cands);
      } else if (d == "fastestdet") {
        DecodeFastestDet(outs, min_score, g, cands);
      } else if (d == "blazeface") {
        DecodeBlazeFace(outs, min_score, g, cands);
      }
    }
  } catch (const cv::Exception& e) {
    return Status::Internal("detector " + spec_.name + " failed: " + e.what());
  }

  std::vector<tasks::Detection> dets;
  const cv::Rect bounds(0, 0, bgr.cols, bgr.rows);
  for (const Cand& c : cands) {
    if (c.cls < 0) continue;
    const std::string raw = c.cls < static_cast<int>(spec_.labels.size())
                                ? spec_.labels[c.cls]
                                : "class" + std::to_string(c.cls);
    const std::string label = spec_.MapLabel(raw);
    if (label.empty() || c.score < spec_.ThresholdFor(label)) continue;
    const double x1 = (c.box.x - g.px) / g.sx, y1 = (c.box.y - g.py) / g.sy;
    const double x2 = (c.box.x + c.box.width - g.px) / g.sx;
    const double y2 = (c.box.y + c.box.height - g.py) / g.sy;
    cv::Rect r(cv::Point(static_cast<int>(std::floor(x1)), static_cast<int>(std::floor(y1))),
               cv::Point(static_cast<int>(std::ceil(x2)), static_cast<int>(std::ceil(y2))));
    r &= bounds;
    if (r.empty()) continue;
    tasks::Detection det;
    det.label = label;
    det.score = std::clamp(static_cast<double>(c.score), 0.0, 1.0);
    det.box = {r.x, r.y, r.width, r.height};
    dets.push_back(std::move(det));
  }
  return SuppressOverlaps(std::move(dets),
                          {.iou = spec_.nms_iou, .containment = spec_.nms_containment});
}

}  // namespace tilsyn::imaging
