// DnnDetector: runs one model-pack detector (imaging/model_pack.h) with OpenCV DNN 4.6 and turns
// its outputs into labelled boxes in the caller's image. Loading: readNetFromONNX / Darknet /
// Caffe, or cv::FaceDetectorYN for format "yunet". Preprocessing from ModelSpec::input (resize or
// letterbox, scale, mean, channel swap; BlazeFace takes NHWC in [-1, 1]). Decoders: yolo,
// yolo-noobj, ssd, ultraface, fastestdet, yunet, blazeface (MediaPipe front/short-range anchors).
// Then label mapping, per-label thresholds, per-label NMS, and boxes mapped back and clipped to
// the input image. Used by the anonymizer ensemble and the opencv-dnn recognizer.
// Thread-safe: Detect() serialises on an internal mutex (a cv::dnn::Net is not reentrant).
#pragma once

#include <memory>
#include <mutex>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "imaging/model_pack.h"
#include "tasks/detection.h"

namespace tilsyn::imaging {

class DnnDetector {
 public:
  // InvalidArgument (field "format"/"decoder") for a combination this class cannot run (e.g.
  // dlib-mmod); Internal when OpenCV cannot load the files.
  static Result<std::unique_ptr<DnnDetector>> Create(const ModelSpec& spec);
  ~DnnDetector();

  // `bgr` is 8-bit 3-channel (1-channel is converted). Labels are the mapped ones; scores in
  // [0, 1]; boxes clipped to the image. Fails only on unusable input or an OpenCV error.
  Result<std::vector<tasks::Detection>> Detect(const cv::Mat& bgr);

  const ModelSpec& spec() const { return spec_; }
  // "name@file-sha256-prefix", e.g. "yunet@50ef07f7", for anonymization reports.
  const std::string& version() const { return version_; }

 private:
  struct Impl;
  DnnDetector(ModelSpec spec, std::unique_ptr<Impl> impl, std::string version);

  ModelSpec spec_;
  std::unique_ptr<Impl> impl_;
  std::string version_;
  std::mutex mu_;
};

// The 896 SSD anchor centres (x, y in [0, 1]) of MediaPipe's BlazeFace front/short-range model:
// input 128, strides {8, 16, 16, 16}, 2 anchors per cell per layer, fixed anchor size; layers of
// equal stride share the grid, so the result is 16x16x2 then 8x8x6, row-major.
std::vector<cv::Point2f> BlazeFaceAnchors();

}  // namespace tilsyn::imaging
