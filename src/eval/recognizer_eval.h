// `tilsyn eval recognizer`: precision, recall and AP@0.5 per label of one recognition service or
// of the routed chain over an annotated image set (eval/annotations.h formats). An image name
// "video.avi#N" means frame N of a video. The service comes from the server config's
// "recognizers" (--config, by name) or, without a config, from a built-in type with JSON
// settings (--service TYPE --settings JSON). Every ground-truth label is a target (min_confidence
// 0.5 = the calibrated "confident"), so the chain falls back as it would for such a task.
// Reads images only; writes nothing.
#pragma once

#include <string>

#include "core/json_util.h"
#include "core/result.h"
#include "eval/detection_metrics.h"

namespace tilsyn::eval {

struct RecognizerEvalFlags {
  std::string labels;      // annotation file or YOLO folder
  std::string images;      // folder for relative image names ("" = next to the labels)
  std::string service;     // configured name, or a type when no config is given
  bool chain = false;      // the routed chain instead of one service
  std::string config;      // server config file with "recognizers"/"routing" ("" = none)
  std::string settings;    // JSON settings for --service TYPE without a config
  double min_score = 0.5;  // operating score for precision/recall
  bool json = false;
};

struct RecognizerEvalReport {
  std::string service;
  int images = 0;
  int errors = 0;      // images whose recognition failed (counted as no detections)
  double seconds = 0;  // total recognition time
  std::vector<LabelMetrics> labels;
  double map50 = 0;                // mean AP over labels
  Json per_image = Json::array();  // [{image, detections}] (JSON output only)
  // Each image's truth and detections, in the set's order (for paired comparisons of two
  // models on the same images, eval/model_gate.h); not in the JSON.
  std::vector<ImageResult> results;
  Json ToJson() const;
  std::string ToText() const;
};

Result<RecognizerEvalReport> EvaluateRecognizer(const RecognizerEvalFlags& flags);

// The CLI body: prints the report (text or JSON); 0 on success, 2 on bad input.
int RunEvalRecognizer(const RecognizerEvalFlags& flags);

}  // namespace tilsyn::eval
