#include "tasks/rules.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "core/number_format.h"
#include "core/time_format.h"
#include "tasks/text_match.h"

namespace tilsyn::tasks {
namespace {

using Params = std::map<std::string, std::string>;

// Sets the reason: the English sentence and its code with the parameters it was made of.
void Say(AssessmentResult& r, std::string code, Params params, std::string english) {
  r.reason_code = std::move(code);
  r.reason_params = std::move(params);
  r.reason = std::move(english);
}

bool Confident(const Task& task, const Target& t, const Detection& d) {
  if (d.label != t.label || d.score < t.min_confidence) return false;
  return task.kind != TaskKind::kCount || d.box.h >= task.rule.min_box_height_px;
}

void AssessText(const Task& task, const std::vector<Detection>& detections, AssessmentResult& r) {
  std::vector<const Detection*> lines;
  for (const Detection& d : detections) {
    for (const Target& t : task.targets) {
      if (Confident(task, t, d) && !d.text.empty()) {
        lines.push_back(&d);
        break;
      }
    }
  }
  // Reading order: top to bottom, then left to right within a line band.
  std::sort(lines.begin(), lines.end(), [](const Detection* a, const Detection* b) {
    return ReadsBefore({a->box.x, a->box.y, a->box.h}, {b->box.x, b->box.y, b->box.h});
  });
  std::vector<std::string> texts;
  std::string seen;
  for (const Detection* d : lines) {
    texts.push_back(d->text);
    seen += (seen.empty() ? "" : " / ") + d->text;
  }
  const std::string& want = task.rule.expected_text;
  if (texts.empty()) {
    r.outcome = Outcome::kFinding;
    r.similarity = 0.0;
    Say(r, "no_text", {{"expected", want}}, "no sign text found, expected '" + want + "'");
    return;
  }
  const double sim = BestTextMatch(want, texts);
  r.similarity = sim;
  const bool ok = sim >= task.rule.min_similarity;
  r.outcome = ok ? Outcome::kOk : Outcome::kFinding;
  const std::string similarity = FormatFixed(sim, 2);
  const std::string needed = FormatFixed(task.rule.min_similarity, 2);
  Say(r, ok ? "text_matches" : "text_differs",
      {{"expected", want}, {"read", seen}, {"similarity", similarity}, {"needed", needed}},
      (ok ? "sign text matches '" : "sign text does not match '") + want + "' (read '" + seen +
          "', similarity " + similarity + ", needed " + needed + ")");
}

// The changed share of the compared area (the region of interest, else the whole view).
double ChangedFraction(const Task& task, const std::vector<Detection>& detections,
                       const Detection** largest = nullptr) {
  double fraction = 0;
  for (const Detection& d : detections) {
    if (!std::any_of(task.targets.begin(), task.targets.end(),
                     [&](const Target& t) { return Confident(task, t, d); })) {
      continue;
    }
    fraction += std::max(0.0, d.area_fraction);
    if (largest != nullptr &&
        (*largest == nullptr || d.area_fraction > (*largest)->area_fraction)) {
      *largest = &d;
    }
  }
  return std::min(1.0, fraction);
}

std::string Compared(const Task& task) {
  return task.rule.roi ? "of the region of interest" : "of the view";
}
// The compared area as a code: "roi" or "view".
std::string Area(const Task& task) { return task.rule.roi ? "roi" : "view"; }

void AssessChange(const Task& task, const std::vector<Detection>& detections, AssessmentResult& r) {
  const double fraction = ChangedFraction(task, detections);
  r.changed_fraction = fraction;
  const bool changed = fraction > task.rule.change_threshold;
  r.outcome = changed ? Outcome::kFinding : Outcome::kOk;
  const std::string threshold = FormatFixed(100 * task.rule.change_threshold, 1);
  const std::string pct = FormatFixed(100 * fraction, 1);
  const Params params = {{"pct", pct}, {"area", Area(task)}, {"threshold", threshold}};
  if (task.kind == TaskKind::kCondition) {
    // Condition by change: the reference shows the object as it should be.
    if (changed) {
      Say(r, "condition_changed", params,
          pct + "% " + Compared(task) +
              " differs from the reference: the object is missing, obscured or damaged (above "
              "the threshold of " +
              threshold + "%)");
    } else {
      Say(r, "condition_same", params,
          "the object looks as in the reference (" + pct + "% " + Compared(task) +
              " changed, within " + threshold + "%)");
    }
    return;
  }
  Say(r, changed ? "changed_above" : "changed_within", params,
      pct + "% " + Compared(task) + " changed against the reference (" +
          (changed ? "above" : "within") + " the threshold of " + threshold + "%)");
}

std::string Day(TimeMs t) { return FormatIso8601(t).substr(0, 10); }

std::string Describe(const PermitMatch& m) {
  std::string s = "permit " + m.permit.id;
  if (!m.permit.holder.empty()) s += " (" + m.permit.holder + ")";
  return s + ", " + FormatFixed(m.distance_m, 0) + " m away";
}

void AssessPermit(const Task& task, const std::vector<Detection>& detections,
                  const AssessContext& ctx, AssessmentResult& r) {
  const std::string what = task.targets.empty() ? "object" : task.targets[0].label;
  std::string seen;
  Params params;  // what was seen: pct/area[/region] of a change, or n/label of a detector
  bool present = false;
  if (what == "change") {
    const Detection* largest = nullptr;
    const double fraction = ChangedFraction(task, detections, &largest);
    r.changed_fraction = fraction;
    present = fraction > task.rule.change_threshold;
    params = {{"pct", FormatFixed(100 * fraction, 1)}, {"area", Area(task)}};
    seen = params["pct"] + "% " + Compared(task) + " changed against the empty site";
    if (largest != nullptr) {
      params["region"] = std::to_string(largest->box.w) + "x" + std::to_string(largest->box.h) +
                         " px at " + std::to_string(largest->box.x) + "," +
                         std::to_string(largest->box.y);
      seen += " (largest region " + params["region"] + ")";
    }
  } else {
    int n = 0;
    for (const Detection& d : detections) n += Confident(task, task.targets[0], d) ? 1 : 0;
    present = n > 0;
    params = {{"n", std::to_string(n)}, {"label", what}};
    seen = std::to_string(n) + " " + what + " found";
  }
  if (!present) {
    r.outcome = Outcome::kOk;
    Say(r, "permit_no_object", params, "no object on the site (" + seen + ")");
    return;
  }
  const PermitMatch* valid = nullptr;
  const PermitMatch* other = nullptr;
  for (const PermitMatch& m : ctx.permits) {
    if (m.distance_m > task.rule.permit_distance_m) continue;
    if (!task.rule.permit_kind.empty() && m.permit.kind != task.rule.permit_kind) continue;
    const PermitMatch*& slot = m.valid ? valid : other;
    if (slot == nullptr || m.distance_m < slot->distance_m) slot = &m;
  }
  auto name = [&](const PermitMatch& m) {
    params["permit"] = m.permit.id;
    params["holder"] = m.permit.holder;
    params["distance"] = FormatFixed(m.distance_m, 0);
    params["valid_from"] = Day(m.permit.valid_from);
    params["valid_to"] = Day(m.permit.valid_to);
  };
  if (valid != nullptr) {
    r.outcome = Outcome::kOk;
    r.permit_id = valid->permit.id;
    name(*valid);
    Say(r, "permit_covered", params,
        "object on the site (" + seen + "), covered by " + Describe(*valid) + ", valid until " +
            Day(valid->permit.valid_to));
    return;
  }
  r.outcome = Outcome::kFinding;
  params["within"] = FormatFixed(task.rule.permit_distance_m, 0);
  const std::string within = " within " + params["within"] + " m";
  if (other != nullptr) {
    r.permit_id = other->permit.id;
    name(*other);
    Say(r, "permit_not_valid", params,
        "object on the site (" + seen + ") without a valid permit" + within + ": " +
            Describe(*other) + " is valid " + Day(other->permit.valid_from) + " to " +
            Day(other->permit.valid_to) + ", not at the capture time");
  } else {
    Say(r, "permit_none", params, "object on the site (" + seen + ") and no permit" + within);
  }
}

}  // namespace

AssessmentResult Assess(const Task& task, const std::vector<Detection>& detections,
                        bool good_enough, const AssessContext& context) {
  AssessmentResult r;
  int total = 0;
  for (const Target& t : task.targets) {
    int n = 0;
    for (const Detection& d : detections) {
      if (Confident(task, t, d)) ++n;
    }
    r.counts[t.label] = n;
    total += n;
  }
  std::string what = task.targets.empty() ? "target" : task.targets[0].label;
  // Unsure detections can only add to a count: one already above the maximum is a finding
  // whatever they are, so they do not make it inconclusive.
  const bool over_max =
      task.kind == TaskKind::kCount && task.rule.max_count && total > *task.rule.max_count;
  if (!good_enough && !over_max) {
    r.outcome = Outcome::kInconclusive;
    Say(r, "not_good_enough", {{"label", what}},
        "no recognition service gave a good-enough result for " + what);
    return r;
  }
  switch (task.kind) {
    case TaskKind::kPresence:
      r.outcome = total > 0 ? Outcome::kOk : Outcome::kFinding;
      if (total > 0) {
        Say(r, "present_as_expected", {{"n", std::to_string(total)}, {"label", what}},
            std::to_string(total) + " " + what + " present as expected");
      } else {
        Say(r, "missing", {{"label", what}}, "expected " + what + " is missing");
      }
      break;
    case TaskKind::kAbsence:
      r.outcome = total > 0 ? Outcome::kFinding : Outcome::kOk;
      if (total > 0) {
        Say(r, "present_unexpected", {{"n", std::to_string(total)}, {"label", what}},
            std::to_string(total) + " " + what + " present, expected none");
      } else {
        Say(r, "absent_as_expected", {{"label", what}}, "no " + what + " present, as expected");
      }
      break;
    case TaskKind::kCount: {
      bool ok =
          total >= task.rule.min_count && (!task.rule.max_count || total <= *task.rule.max_count);
      r.outcome = ok ? Outcome::kOk : Outcome::kFinding;
      Params params = {{"n", std::to_string(total)},
                       {"label", what},
                       {"min", std::to_string(task.rule.min_count)},
                       {"max", task.rule.max_count ? std::to_string(*task.rule.max_count) : ""}};
      std::string range = params["min"] + ".." + params["max"];
      std::string sides;
      if (context.image_width > 0) {
        int left = 0;
        for (const Detection& d : detections) {
          const bool counted = std::any_of(task.targets.begin(), task.targets.end(),
                                           [&](const Target& t) { return Confident(task, t, d); });
          if (counted && 2 * d.box.x + d.box.w < context.image_width) ++left;
        }
        r.left = left;
        r.right = total - left;
        params["left"] = std::to_string(left);
        params["right"] = std::to_string(total - left);
        sides = "; left " + params["left"] + ", right " + params["right"];
      }
      Say(r, sides.empty() ? "counted" : "counted_sides", params,
          std::to_string(total) + " " + what + " counted (expected " + range + sides + ")");
      break;
    }
    case TaskKind::kCondition: {
      if (ComparesWithReference(task)) {
        AssessChange(task, detections, r);
        break;
      }
      std::string found;
      for (const auto& [label, n] : r.counts) {
        if (n > 0) found += (found.empty() ? "" : ", ") + std::to_string(n) + " " + label;
      }
      r.outcome = total > 0 ? Outcome::kFinding : Outcome::kOk;
      if (total > 0) {
        Say(r, "damage_found", {{"found", found}}, "damage found: " + found);
      } else {
        Say(r, "no_damage", {{"label", what}}, "no damage (" + what + ") found");
      }
      break;
    }
    case TaskKind::kText:
      AssessText(task, detections, r);
      break;
    case TaskKind::kBeforeAfter:
      AssessChange(task, detections, r);
      break;
    case TaskKind::kPermitCheck:
      AssessPermit(task, detections, context, r);
      break;
  }
  return r;
}

}  // namespace tilsyn::tasks
