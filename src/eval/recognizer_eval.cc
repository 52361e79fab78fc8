#include "eval/recognizer_eval.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <set>

#include "core/clock.h"
#include "core/file_util.h"
#include "recognition/registry.h"
#include "recognition/service_config.h"

namespace tilsyn::eval {
namespace {

// "path" or "video#frame".
Result<cv::Mat> LoadImage(const std::string& name) {
  const size_t hash = name.rfind('#');
  try {
    if (hash != std::string::npos && hash + 1 < name.size() &&
        name.find_first_not_of("0123456789", hash + 1) == std::string::npos) {
      const std::string video = name.substr(0, hash);
      const int frame = std::stoi(name.substr(hash + 1));
      cv::VideoCapture cap(video);
      if (!cap.isOpened()) return Status::NotFound("cannot open video " + video, name);
      cv::Mat m;
      for (int i = 0; i <= frame; ++i) {
        if (!cap.read(m))
          return Status::NotFound("video has no frame " + std::to_string(frame), name);
      }
      return m.clone();
    }
    cv::Mat m = cv::imread(name, cv::IMREAD_COLOR);
    if (m.empty()) return Status::NotFound("image missing or unreadable", name);
    return m;
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("cannot read: ") + e.what(), name);
  }
}

std::string Fmt(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f", v);
  return b;
}

}  // namespace

Json RecognizerEvalReport::ToJson() const {
  Json ls = Json::array();
  for (const LabelMetrics& m : labels) {
    ls.push_back({{"label", m.label},
                  {"ground_truth", m.ground_truth},
                  {"detections", m.detections},
                  {"true_positives", m.true_positives},
                  {"precision", m.precision},
                  {"recall", m.recall},
                  {"ap50", m.ap50},
                  {"count_mae", m.count_mae},
                  {"count_images", m.count_images}});
  }
  return {{"service", service}, {"images", images}, {"errors", errors},      {"seconds", seconds},
          {"labels", ls},       {"map50", map50},   {"per_image", per_image}};
}

std::string RecognizerEvalReport::ToText() const {
  std::string out = "service " + service + ": " + std::to_string(images) + " images, " +
                    std::to_string(errors) + " errors, " + Fmt(seconds) + " s\n";
  char line[160];
  std::snprintf(line, sizeof line, "%-14s %6s %6s %6s %9s %7s %7s %9s\n", "label", "truth", "dets",
                "tp", "precision", "recall", "AP@0.5", "count MAE");
  out += line;
  for (const LabelMetrics& m : labels) {
    std::snprintf(line, sizeof line, "%-14s %6d %6d %6d %9.3f %7.3f %7.3f %9.3f\n", m.label.c_str(),
                  m.ground_truth, m.detections, m.true_positives, m.precision, m.recall, m.ap50,
                  m.count_mae);
    out += line;
  }
  out += "mAP@0.5 " + Fmt(map50) + "\n";
  return out;
}

Result<RecognizerEvalReport> EvaluateRecognizer(const RecognizerEvalFlags& flags) {
  if (flags.labels.empty()) return Status::InvalidArgument("required", "--labels");
  if (flags.chain == !flags.service.empty()) {
    return Status::InvalidArgument("give exactly one of --service NAME and --chain", "--service");
  }
  if (!(flags.min_score >= 0 && flags.min_score <= 1)) {
    return Status::InvalidArgument("must be in [0, 1]", "--min-score");
  }
  TILSYN_ASSIGN_OR_RETURN(std::vector<AnnotatedImage> set,
                          LoadAnnotations(flags.labels, flags.images));
  if (set.empty()) return Status::InvalidArgument("the annotation set is empty", "--labels");

  recognition::Registry registry;
  recognition::RegisterAllTypes(registry);
  Json recognizers = nullptr, routing = nullptr;
  if (!flags.config.empty()) {
    TILSYN_ASSIGN_OR_RETURN(std::string text, ReadFile(flags.config));
    TILSYN_ASSIGN_OR_RETURN(Json cj, ParseJson(text));
    if (cj.is_object()) {
      recognizers = cj.value("recognizers", Json(nullptr));
      routing = cj.value("routing", Json(nullptr));
    }
  }
  SystemClock clock;
  std::shared_ptr<recognition::Recognizer> rec;
  if (flags.chain) {
    TILSYN_ASSIGN_OR_RETURN(auto cfg,
                            recognition::ParseRecognitionConfig(recognizers, routing, registry));
    cfg.learn = false;  // evaluation: the configured order, no learning from the store
    cfg.routing.learn = false;
    TILSYN_ASSIGN_OR_RETURN(auto router,
                            recognition::BuildRecognitionRouter(cfg, registry, &clock, [] {
                              return Result<std::vector<recognition::ServiceLabelStats>>(
                                  std::vector<recognition::ServiceLabelStats>{});
                            }));
    rec = std::move(router);
  } else if (!recognizers.is_null()) {
    TILSYN_ASSIGN_OR_RETURN(auto cfg,
                            recognition::ParseRecognitionConfig(recognizers, routing, registry));
    TILSYN_ASSIGN_OR_RETURN(auto services, recognition::BuildServices(cfg, registry));
    for (auto& s : services) {
      if (s->info().name == flags.service) rec = s;
    }
    if (!rec)
      return Status::InvalidArgument("no configured service '" + flags.service + "'", "--service");
  } else {
    Json settings = Json::object();
    if (!flags.settings.empty()) {
      auto parsed = ParseJson(flags.settings);
      if (!parsed.ok()) return parsed.status().WithField("--settings");
      settings = *parsed;
    }
    auto created = registry.Create(flags.service, flags.service, settings);
    if (!created.ok()) {
      const std::string f = created.status().field();
      return created.status().WithField(f == "type" ? "--service" : "--settings " + f);
    }
    rec = std::move(*created);
  }

  RecognizerEvalReport report;
  report.service = flags.chain ? "chain(" + rec->info().name + ")" : rec->info().name;
  std::set<std::string> gt_labels;
  for (const auto& im : set)
    for (const auto& b : im.boxes) gt_labels.insert(b.label);
  recognition::RecognizeRequest req;
  for (const std::string& l : gt_labels) req.targets.push_back({l, 0.5});
  std::vector<ImageResult> results;
  for (const AnnotatedImage& im : set) {
    TILSYN_ASSIGN_OR_RETURN(cv::Mat bgr, LoadImage(im.image));
    ImageResult r;
    r.truth = im.boxes;
    // A service is asked once for every label; the chain once per label, as for a task with
    // that target, keeping that label's detections from the service the router settled on.
    std::vector<recognition::RecognizeRequest> asks;
    if (flags.chain) {
      for (const auto& t : req.targets) {
        recognition::RecognizeRequest one = req;
        one.targets = {t};
        asks.push_back(std::move(one));
      }
    } else {
      asks.push_back(req);
    }
    bool failed = false;
    for (const auto& ask : asks) {
      const auto t0 = std::chrono::steady_clock::now();
      auto out = rec->Recognize(bgr, ask);
      report.seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!out.ok()) {
        failed = true;
        std::cerr << "recognition failed for " << im.image << ": " << out.status().ToString()
                  << "\n";
        continue;
      }
      for (const auto& d : out->detections) {
        if (!flags.chain || d.label == ask.targets[0].label) r.detections.push_back(d);
      }
    }
    if (failed) ++report.errors;
    Json dets = tasks::DetectionsToJson(r.detections);
    report.per_image.push_back({{"image", im.image}, {"detections", dets}});
    results.push_back(std::move(r));
    ++report.images;
  }
  report.labels = EvaluateDetections(results, flags.min_score, 0.5);
  report.results = std::move(results);
  double sum = 0;
  for (const auto& m : report.labels) sum += m.ap50;
  report.map50 = report.labels.empty() ? 0 : sum / report.labels.size();
  return report;
}

int RunEvalRecognizer(const RecognizerEvalFlags& flags) {
  auto r = EvaluateRecognizer(flags);
  if (!r.ok()) {
    std::cerr << "tilsyn eval recognizer: " << r.status().ToString() << "\n";
    return 2;
  }
  if (flags.json)
    std::cout << r->ToJson().dump(2) << "\n";
  else
    std::cout << r->ToText();
  return 0;
}

}  // namespace tilsyn::eval
