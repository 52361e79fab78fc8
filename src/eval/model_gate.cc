#include "eval/model_gate.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>
#include <set>
#include <sstream>

#include "core/file_util.h"
#include "eval/recognizer_eval.h"
#include "imaging/anonymizer.h"
#include "imaging/model_pack.h"

namespace tilsyn::eval {
namespace fs = std::filesystem;
namespace {

// The mapped labels a pack's model serves, or InvalidArgument naming `flag`.
Result<std::set<std::string>> ServedLabels(const std::string& pack, const std::string& model,
                                           const std::string& flag) {
  Result<imaging::ModelPack> p = imaging::LoadModelPack(pack);
  if (!p.ok()) return p.status().Annotate(pack).WithField(flag);
  for (const imaging::ModelSpec& m : p->models) {
    if (m.name != model) continue;
    std::set<std::string> out;
    for (const std::string& raw : m.labels) {
      const std::string mapped = m.MapLabel(raw);
      if (!mapped.empty()) out.insert(mapped);
    }
    return out;
  }
  return Status::InvalidArgument("the pack " + pack + " has no model '" + model + "'", flag);
}

Result<RecognizerEvalReport> Evaluate(const std::string& pack, const std::string& model,
                                      const std::string& labels, const std::string& images) {
  RecognizerEvalFlags f;
  f.labels = labels;
  f.images = images;
  f.service = "opencv-dnn";
  f.settings = Json{{"pack", pack}, {"model", model}}.dump();
  return EvaluateRecognizer(f);
}

// `label`'s truth and detections of each image, alone.
std::vector<ImageResult> OnlyLabel(const std::vector<ImageResult>& all, const std::string& label) {
  std::vector<ImageResult> out(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    for (const GroundTruthBox& b : all[i].truth) {
      if (b.label == label) out[i].truth.push_back(b);
    }
    for (const tasks::Detection& d : all[i].detections) {
      if (d.label == label) out[i].detections.push_back(d);
    }
  }
  return out;
}

double ApOf(const std::vector<ImageResult>& images, const std::string& label) {
  for (const LabelMetrics& m : EvaluateDetections(images)) {
    if (m.label == label) return m.ap50;
  }
  return 0;
}

// The 90 % interval of AP(candidate) - AP(current) for `label`: a paired bootstrap over the
// images (each draw takes the same images for both models), 500 draws from a fixed seed.
// nullopt when the two evaluations did not see the same images.
std::optional<std::pair<double, double>> DeltaInterval(const std::vector<ImageResult>& current,
                                                       const std::vector<ImageResult>& candidate,
                                                       const std::string& label) {
  if (current.empty() || current.size() != candidate.size()) return std::nullopt;
  const std::vector<ImageResult> a = OnlyLabel(current, label), b = OnlyLabel(candidate, label);
  constexpr int kDraws = 500;
  std::mt19937 rng(20261207);
  std::uniform_int_distribution<size_t> pick(0, a.size() - 1);
  std::vector<double> deltas;
  deltas.reserve(kDraws);
  std::vector<ImageResult> da(a.size()), db(b.size());
  for (int d = 0; d < kDraws; ++d) {
    for (size_t i = 0; i < a.size(); ++i) {
      const size_t j = pick(rng);
      da[i] = a[j];
      db[i] = b[j];
    }
    deltas.push_back(ApOf(db, label) - ApOf(da, label));
  }
  std::sort(deltas.begin(), deltas.end());
  return std::make_pair(deltas[kDraws * 5 / 100], deltas[kDraws * 95 / 100 - 1]);
}

std::string Ap(std::optional<double> v) {
  if (!v) return "—";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.3f", *v);
  return buf;
}

}  // namespace

std::string CurrentPack(const ModelGateFlags& flags) {
  if (!flags.current.empty()) return flags.current;
  std::error_code ec;
  const fs::path installed = fs::path(flags.data_dir) / "models";
  if (!flags.data_dir.empty() && fs::is_regular_file(installed / "manifest.json", ec)) {
    return installed.string();
  }
  return imaging::FindDefaultModelPack();
}

Json GateReport::ToJson() const {
  Json rs = Json::array();
  for (const GateRow& r : rows) {
    rs.push_back(
        {{"set", r.set},
         {"label", r.label},
         {"boxes", r.boxes},
         {"current_ap50", r.current_ap ? Json(*r.current_ap) : Json(nullptr)},
         {"candidate_ap50", r.candidate_ap},
         {"delta_interval90", r.delta_lo ? Json::array({*r.delta_lo, *r.delta_hi}) : Json(nullptr)},
         {"verdict", r.verdict}});
  }
  return {{"candidate", candidate},   {"current", current}, {"rows", rs},
          {"unmeasured", unmeasured}, {"passed", passed},   {"reason", reason}};
}

std::string GateReport::ToText() const {
  std::ostringstream o;
  o << "candidate " << candidate << "\ncurrent   " << current << "\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-28s %-16s %6s %8s %10s  %-17s %s\n", "set", "label", "boxes",
                "current", "candidate", "difference (90%)", "verdict");
  o << line;
  for (const GateRow& r : rows) {
    std::string set = fs::path(r.set).filename().string();
    if (set.empty()) set = r.set;
    char interval[48] = "—";
    if (r.delta_lo) {
      std::snprintf(interval, sizeof interval, "[%+.3f, %+.3f]", *r.delta_lo, *r.delta_hi);
    }
    std::snprintf(line, sizeof line, "%-28s %-16s %6d %8s %10s  %-17s %s\n", set.c_str(),
                  r.label.c_str(), r.boxes, Ap(r.current_ap).c_str(), Ap(r.candidate_ap).c_str(),
                  interval, r.verdict.c_str());
    o << line;
  }
  for (const std::string& u : unmeasured) o << "not measured (no held-out boxes): " << u << "\n";
  o << (passed ? "gate: passed" : "gate: refused — " + reason) << "\n";
  return o.str();
}

Result<GateReport> EvaluateCandidate(const ModelGateFlags& flags) {
  if (flags.candidate.empty())
    return Status::InvalidArgument("name the candidate pack", "CANDIDATE");
  if (flags.labels.empty()) {
    return Status::InvalidArgument("name at least one held-out labelled set", "--labels");
  }
  if (!flags.images.empty() && flags.images.size() != flags.labels.size()) {
    return Status::InvalidArgument("give one --images per --labels, or none", "--images");
  }
  if (!(flags.tolerance >= 0 && flags.tolerance < 1)) {
    return Status::InvalidArgument("must be in [0, 1)", "--tolerance");
  }
  GateReport rep;
  rep.candidate = flags.candidate;
  rep.current = CurrentPack(flags);
  if (rep.current.empty()) {
    return Status::NotFound("no model pack is in use to compare with; name one with --current",
                            "--current");
  }
  TILSYN_ASSIGN_OR_RETURN(auto served_now, ServedLabels(rep.current, flags.model, "--current"));
  TILSYN_ASSIGN_OR_RETURN(auto served_new, ServedLabels(flags.candidate, flags.model, "CANDIDATE"));
  std::set<std::string> measured;
  for (size_t i = 0; i < flags.labels.size(); ++i) {
    const std::string images = flags.images.empty() ? "" : flags.images[i];
    std::string path = flags.labels[i], only;
    if (const size_t eq = path.find('='); eq != std::string::npos && path.find('/') > eq) {
      only = path.substr(0, eq);
      path = path.substr(eq + 1);
    }
    TILSYN_ASSIGN_OR_RETURN(auto now, Evaluate(rep.current, flags.model, path, images));
    TILSYN_ASSIGN_OR_RETURN(auto cand, Evaluate(flags.candidate, flags.model, path, images));
    for (const LabelMetrics& c : cand.labels) {
      if (!only.empty() && c.label != only) continue;
      const bool old_label = served_now.count(c.label) > 0;
      if (!old_label && !served_new.count(c.label)) continue;  // neither model's business
      GateRow row;
      row.set = path;
      row.label = c.label;
      row.boxes = c.ground_truth;
      row.candidate_ap = c.ap50;
      if (old_label) {
        auto it = std::find_if(now.labels.begin(), now.labels.end(),
                               [&](const LabelMetrics& m) { return m.label == c.label; });
        row.current_ap = it == now.labels.end() ? 0.0 : it->ap50;
        if (auto d = DeltaInterval(now.results, cand.results, c.label)) {
          row.delta_lo = d->first;
          row.delta_hi = d->second;
        }
        const bool within = row.candidate_ap + 1e-9 >= *row.current_ap - flags.tolerance;
        const bool noise =
            flags.allow_noise && row.delta_hi && *row.delta_hi + 1e-9 >= -flags.tolerance;
        row.verdict = within ? "ok" : noise ? "ok (noise)" : "worse";
        if (row.boxes > 0) measured.insert(c.label);
      } else {
        row.verdict = "new";
      }
      rep.rows.push_back(row);
    }
  }
  for (const std::string& l : served_now) {
    if (!measured.count(l)) rep.unmeasured.push_back(l);
  }
  std::vector<std::string> worse, dropped;
  for (const GateRow& r : rep.rows) {
    if (r.verdict == "worse") worse.push_back(r.label);
  }
  for (const std::string& l : served_now) {
    if (!served_new.count(l)) dropped.push_back(l);
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  if (!dropped.empty()) {
    rep.reason = "the candidate no longer serves " + join(dropped);
  } else if (!worse.empty()) {
    rep.reason = "worse than the current model on " + join(worse);
  } else if (!rep.unmeasured.empty()) {
    rep.reason = "no held-out boxes for " + join(rep.unmeasured) +
                 ": add a labelled set with them (--labels)";
  }
  rep.passed = rep.reason.empty();
  return rep;
}

Status InstallPack(const std::string& candidate, const std::string& data_dir) {
  std::error_code ec;
  const fs::path root = fs::path(data_dir);
  const fs::path staging = root / "models.installing";
  const fs::path target = root / "models";
  const fs::path previous = root / "models.previous";
  fs::remove_all(staging, ec);
  TILSYN_RETURN_IF_ERROR(MakeDirs(staging.string()));
  fs::copy(candidate, staging, fs::copy_options::recursive, ec);
  if (ec) {
    fs::remove_all(staging, ec);
    return Status::Internal("could not copy the candidate pack: " + ec.message());
  }
  // The copy must load on its own before it replaces anything.
  if (Result<imaging::ModelPack> p = imaging::LoadModelPack(staging.string()); !p.ok()) {
    fs::remove_all(staging, ec);
    return p.status().Annotate("the copied pack");
  }
  if (fs::exists(target, ec)) {
    fs::remove_all(previous, ec);
    fs::rename(target, previous, ec);
    if (ec) return Status::Internal("could not keep the previous pack: " + ec.message());
  }
  fs::rename(staging, target, ec);
  if (ec) return Status::Internal("could not move the pack into place: " + ec.message());
  return Status::Ok();
}

}  // namespace tilsyn::eval
