#include "tasks/task_json.h"

#include <algorithm>

#include "core/email_address.h"
#include "core/time_format.h"
#include "tasks/schedule_json.h"

namespace tilsyn::tasks {
namespace {

std::string Idx(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

Result<std::vector<Target>> ParseTargets(const Json& j) {
  if (!j.contains("targets") || !j["targets"].is_array() || j["targets"].empty()) {
    return Status::InvalidArgument("at least one target is required", "targets");
  }
  std::vector<Target> out;
  const Json& ts = j["targets"];
  for (size_t i = 0; i < ts.size(); ++i) {
    std::string p = Idx("targets", i);
    if (!ts[i].is_object()) return Status::InvalidArgument("must be an object", p);
    Target t;
    TILSYN_ASSIGN_OR_RETURN(t.label, GetString(ts[i], "label", p + ".label"));
    if (t.label.empty() || t.label.size() > 64) {
      return Status::InvalidArgument("label must be 1–64 characters", p + ".label");
    }
    TILSYN_ASSIGN_OR_RETURN(auto c, GetOptNumber(ts[i], "min_confidence", p + ".min_confidence"));
    if (c) {
      if (!(*c > 0 && *c <= 1)) {
        return Status::InvalidArgument("min_confidence must be in (0, 1]", p + ".min_confidence");
      }
      t.min_confidence = *c;
    }
    out.push_back(t);
  }
  return out;
}

// The target label a kind's recognizer reports ("" = any label).
std::string ImpliedTarget(TaskKind k) {
  if (k == TaskKind::kText) return "text";
  if (k == TaskKind::kBeforeAfter) return "change";
  if (k == TaskKind::kPermitCheck) return "change";
  return "";
}

// rule.roi = {"x", "y", "w", "h"}: fractions of the reference image, inside it, w and h > 0.
Result<Roi> ParseRoi(const Json& j) {
  if (!j.is_object()) return Status::InvalidArgument("must be an object {x, y, w, h}", "rule.roi");
  Roi r;
  for (auto [key, field] : {std::pair{"x", &r.x}, {"y", &r.y}, {"w", &r.w}, {"h", &r.h}}) {
    const std::string path = std::string("rule.roi.") + key;
    TILSYN_ASSIGN_OR_RETURN(auto v, GetOptNumber(j, key, path));
    if (!v) return Status::InvalidArgument("required field is missing", path);
    if (!(*v >= 0 && *v <= 1)) return Status::InvalidArgument("must be a fraction 0..1", path);
    *field = *v;
  }
  if (!(r.w >= 0.01 && r.h >= 0.01)) {
    return Status::InvalidArgument("the region must be at least 1% wide and high", "rule.roi");
  }
  if (r.x + r.w > 1 + 1e-9 || r.y + r.h > 1 + 1e-9) {
    return Status::InvalidArgument("the region must lie inside the image (x + w <= 1, y + h <= 1)",
                                   "rule.roi");
  }
  return r;
}

Result<Rule> ParseRule(const Json& j, TaskKind kind) {
  Rule r;
  if (!j.contains("rule") || j["rule"].is_null()) {
    if (kind == TaskKind::kText) {
      return Status::InvalidArgument("text tasks need the expected sign text",
                                     "rule.expected_text");
    }
    return r;
  }
  const Json& rj = j["rule"];
  if (!rj.is_object()) return Status::InvalidArgument("must be an object", "rule");
  TILSYN_ASSIGN_OR_RETURN(auto mn, GetOptInt(rj, "min_count", "rule.min_count"));
  TILSYN_ASSIGN_OR_RETURN(auto mx, GetOptInt(rj, "max_count", "rule.max_count"));
  TILSYN_ASSIGN_OR_RETURN(auto mh, GetOptInt(rj, "min_box_height_px", "rule.min_box_height_px"));
  if (mn) {
    if (*mn < 0) return Status::InvalidArgument("must be >= 0", "rule.min_count");
    r.min_count = *mn;
  }
  if (mx) {
    if (*mx < r.min_count) return Status::InvalidArgument("must be >= min_count", "rule.max_count");
    r.max_count = *mx;
  }
  if (mh) {
    if (*mh < 0 || *mh > 10000)
      return Status::InvalidArgument("must be 0..10000", "rule.min_box_height_px");
    r.min_box_height_px = static_cast<int>(*mh);
  }
  TILSYN_ASSIGN_OR_RETURN(auto et, GetOptString(rj, "expected_text", "rule.expected_text"));
  TILSYN_ASSIGN_OR_RETURN(auto ms, GetOptNumber(rj, "min_similarity", "rule.min_similarity"));
  TILSYN_ASSIGN_OR_RETURN(auto ct, GetOptNumber(rj, "change_threshold", "rule.change_threshold"));
  if (et) {
    if (et->size() > 200)
      return Status::InvalidArgument("must be at most 200 bytes", "rule.expected_text");
    r.expected_text = *et;
  }
  if (kind == TaskKind::kText &&
      r.expected_text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::InvalidArgument("text tasks need the expected sign text", "rule.expected_text");
  }
  if (ms) {
    if (!(*ms > 0 && *ms <= 1))
      return Status::InvalidArgument("must be in (0, 1]", "rule.min_similarity");
    r.min_similarity = *ms;
  }
  if (ct) {
    if (!(*ct >= 0 && *ct < 1))
      return Status::InvalidArgument("must be in [0, 1)", "rule.change_threshold");
    r.change_threshold = *ct;
  }
  TILSYN_ASSIGN_OR_RETURN(auto pd, GetOptNumber(rj, "permit_distance_m", "rule.permit_distance_m"));
  TILSYN_ASSIGN_OR_RETURN(auto pk, GetOptString(rj, "permit_kind", "rule.permit_kind"));
  if (pd) {
    if (!(*pd >= 0 && *pd <= 1000))
      return Status::InvalidArgument("must be 0..1000", "rule.permit_distance_m");
    r.permit_distance_m = *pd;
  }
  if (pk) {
    if (pk->size() > 50)
      return Status::InvalidArgument("must be at most 50 bytes", "rule.permit_kind");
    r.permit_kind = *pk;
  }
  if (rj.contains("roi") && !rj["roi"].is_null()) {
    TILSYN_ASSIGN_OR_RETURN(r.roi, ParseRoi(rj["roi"]));
  }
  return r;
}

Result<std::vector<ActionSpec>> ParseActions(const Json& j) {
  std::vector<ActionSpec> out;
  if (!j.contains("actions") || j["actions"].is_null()) return out;
  const Json& as = j["actions"];
  if (!as.is_array()) return Status::InvalidArgument("must be an array", "actions");
  for (size_t i = 0; i < as.size(); ++i) {
    std::string p = Idx("actions", i);
    if (!as[i].is_object()) return Status::InvalidArgument("must be an object", p);
    ActionSpec a;
    TILSYN_ASSIGN_OR_RETURN(a.type, GetString(as[i], "type", p + ".type"));
    if (a.type != "log" && a.type != "webhook" && a.type != "email" && a.type != "open311" &&
        a.type != "contractor") {
      return Status::InvalidArgument("type must be log, webhook, email, open311 or contractor",
                                     p + ".type");
    }
    const Json* on = as[i].contains("on") ? &as[i]["on"] : nullptr;
    if (!on || !on->is_array() || on->empty()) {
      return Status::InvalidArgument("on must list outcomes (ok, finding, inconclusive, unvisited)",
                                     p + ".on");
    }
    for (size_t k = 0; k < on->size(); ++k) {
      if ((*on)[k] == "unvisited") {
        if (a.type == "contractor") {
          return Status::InvalidArgument("a contractor is told of findings, not of unvisited sites",
                                         Idx(p + ".on", k));
        }
        a.on_unvisited = true;
        continue;
      }
      auto o = (*on)[k].is_string() ? ParseOutcome((*on)[k].get<std::string>()) : std::nullopt;
      if (!o) {
        return Status::InvalidArgument("must be ok, finding, inconclusive or unvisited",
                                       Idx(p + ".on", k));
      }
      a.on.push_back(*o);
    }
    if (a.type == "webhook") {
      TILSYN_ASSIGN_OR_RETURN(a.url, GetString(as[i], "url", p + ".url"));
      if (a.url.rfind("http://", 0) != 0 && a.url.rfind("https://", 0) != 0) {
        return Status::InvalidArgument("url must be http:// or https://", p + ".url");
      }
      TILSYN_ASSIGN_OR_RETURN(auto sec, GetOptString(as[i], "secret", p + ".secret"));
      a.secret = sec.value_or("");
      TILSYN_ASSIGN_OR_RETURN(auto fmt, GetOptString(as[i], "format", p + ".format"));
      if (fmt) a.format = *fmt;
      if (a.format != "cloudevents" && a.format != "plain") {
        return Status::InvalidArgument("format must be cloudevents or plain", p + ".format");
      }
    }
    if (a.type == "open311") {
      TILSYN_ASSIGN_OR_RETURN(a.url, GetString(as[i], "url", p + ".url"));
      if (a.url.rfind("http://", 0) != 0 && a.url.rfind("https://", 0) != 0) {
        return Status::InvalidArgument("url must be the http(s) endpoint of the case system",
                                       p + ".url");
      }
      TILSYN_ASSIGN_OR_RETURN(a.service_code,
                              GetString(as[i], "service_code", p + ".service_code"));
      if (a.service_code.empty() || a.service_code.size() > 100) {
        return Status::InvalidArgument("must be 1–100 characters", p + ".service_code");
      }
      TILSYN_ASSIGN_OR_RETURN(auto key, GetOptString(as[i], "api_key", p + ".api_key"));
      a.secret = key.value_or("");
      TILSYN_ASSIGN_OR_RETURN(auto jur,
                              GetOptString(as[i], "jurisdiction_id", p + ".jurisdiction_id"));
      a.jurisdiction_id = jur.value_or("");
    }
    if (a.type == "email") {
      const Json* to = as[i].contains("to") ? &as[i]["to"] : nullptr;
      if (!to || !to->is_array() || to->empty() || to->size() > 20) {
        return Status::InvalidArgument("to must list 1–20 e-mail addresses", p + ".to");
      }
      for (size_t k = 0; k < to->size(); ++k) {
        const std::string path = Idx(p + ".to", k);
        if (!(*to)[k].is_string()) return Status::InvalidArgument("must be a string", path);
        const std::string addr = (*to)[k].get<std::string>();
        if (!IsEmailAddress(addr)) {
          return Status::InvalidArgument("not an e-mail address: '" + addr + "'", path);
        }
        a.to.push_back(addr);
      }
      TILSYN_ASSIGN_OR_RETURN(auto lang, GetOptString(as[i], "language", p + ".language"));
      if (lang) a.language = *lang;
      if (a.language != "da" && a.language != "en") {
        return Status::InvalidArgument("language must be da or en", p + ".language");
      }
    }
    out.push_back(a);
  }
  return out;
}

Result<Retention> ParseRetention(const Json& j) {
  Retention r;
  if (!j.contains("retention") || j["retention"].is_null()) return r;
  const Json& rj = j["retention"];
  if (!rj.is_object()) return Status::InvalidArgument("must be an object", "retention");
  TILSYN_ASSIGN_OR_RETURN(auto d, GetOptInt(rj, "evidence_days", "retention.evidence_days"));
  if (d) {
    if (*d < 1 || *d > 3650)
      return Status::InvalidArgument("must be 1..3650", "retention.evidence_days");
    r.evidence_days = static_cast<int>(*d);
  }
  TILSYN_ASSIGN_OR_RETURN(auto k,
                          GetOptBool(rj, "keep_non_findings", "retention.keep_non_findings"));
  TILSYN_ASSIGN_OR_RETURN(auto h, GetOptBool(rj, "legal_hold", "retention.legal_hold"));
  r.keep_non_findings = k.value_or(false);
  r.legal_hold = h.value_or(false);
  TILSYN_ASSIGN_OR_RETURN(auto inc,
                          GetOptInt(rj, "inconclusive_days", "retention.inconclusive_days"));
  if (inc) {
    if (*inc < 0 || *inc > 90)
      return Status::InvalidArgument("must be 0..90", "retention.inconclusive_days");
    r.inconclusive_days = static_cast<int>(*inc);
  }
  return r;
}

}  // namespace

Result<Task> TaskFromJson(const Json& j) {
  if (!j.is_object()) return Status::InvalidArgument("the body must be a JSON object", "body");
  Task t;
  TILSYN_ASSIGN_OR_RETURN(t.title, GetString(j, "title", "title"));
  if (t.title.empty() || t.title.size() > 200) {
    return Status::InvalidArgument("title must be 1–200 characters", "title");
  }
  TILSYN_ASSIGN_OR_RETURN(auto unit, GetOptString(j, "unit", "unit"));
  t.unit = unit.value_or("");
  TILSYN_ASSIGN_OR_RETURN(std::string kind, GetString(j, "kind", "kind"));
  auto k = ParseTaskKind(kind);
  if (!k) {
    return Status::InvalidArgument(
        "kind must be presence, absence, count, condition, text, before_after or permit_check",
        "kind");
  }
  t.kind = *k;
  const std::string implied = ImpliedTarget(t.kind);
  if (!implied.empty() && !j.contains("targets")) {
    t.targets = {Target{implied, 0.5}};
  } else {
    TILSYN_ASSIGN_OR_RETURN(t.targets, ParseTargets(j));
  }
  if (!implied.empty() && std::none_of(t.targets.begin(), t.targets.end(),
                                       [&](const Target& g) { return g.label == implied; })) {
    return Status::InvalidArgument(
        std::string(ToString(t.kind)) + " tasks need the target label '" + implied + "'",
        "targets");
  }
  if (!j.contains("area")) return Status::InvalidArgument("required field is missing", "area");
  TILSYN_ASSIGN_OR_RETURN(t.area, geo::Geofence::FromGeoJson(j["area"], "area"));
  TILSYN_ASSIGN_OR_RETURN(t.heading_deg, GetOptNumber(j, "heading_deg", "heading_deg"));
  if (t.heading_deg && (*t.heading_deg < 0 || *t.heading_deg >= 360)) {
    return Status::InvalidArgument("must be within 0..360", "heading_deg");
  }
  TILSYN_ASSIGN_OR_RETURN(auto tol,
                          GetOptNumber(j, "heading_tolerance_deg", "heading_tolerance_deg"));
  if (tol) {
    if (!(*tol > 0 && *tol <= 180)) {
      return Status::InvalidArgument("must be within (0, 180]", "heading_tolerance_deg");
    }
    t.heading_tolerance_deg = *tol;
  }
  TILSYN_ASSIGN_OR_RETURN(t.max_speed_kmh, GetOptNumber(j, "max_speed_kmh", "max_speed_kmh"));
  if (t.max_speed_kmh && !(*t.max_speed_kmh > 0)) {
    return Status::InvalidArgument("must be > 0", "max_speed_kmh");
  }
  if (!j.contains("schedule"))
    return Status::InvalidArgument("required field is missing", "schedule");
  TILSYN_ASSIGN_OR_RETURN(t.schedule, ScheduleFromJson(j["schedule"], "schedule"));
  TILSYN_ASSIGN_OR_RETURN(t.rule, ParseRule(j, t.kind));
  if (t.rule.roi && !ComparesWithReference(t)) {
    return Status::InvalidArgument(
        "a region of interest needs a task that compares with a reference image (before_after, "
        "permit_check, or condition with the target 'change')",
        "rule.roi");
  }
  TILSYN_ASSIGN_OR_RETURN(t.actions, ParseActions(j));
  TILSYN_ASSIGN_OR_RETURN(t.retention, ParseRetention(j));
  if (j.contains("contractor") && !j["contractor"].is_null()) {
    const Json& cj = j["contractor"];
    if (!cj.is_object()) return Status::InvalidArgument("must be an object", "contractor");
    Contractor c;
    TILSYN_ASSIGN_OR_RETURN(c.name, GetString(cj, "name", "contractor.name"));
    if (c.name.empty() || c.name.size() > 200) {
      return Status::InvalidArgument("must be 1–200 characters", "contractor.name");
    }
    TILSYN_ASSIGN_OR_RETURN(c.email, GetString(cj, "email", "contractor.email"));
    if (!IsEmailAddress(c.email)) {
      return Status::InvalidArgument("not an e-mail address: '" + c.email + "'",
                                     "contractor.email");
    }
    TILSYN_ASSIGN_OR_RETURN(auto days, GetOptInt(cj, "deadline_days", "contractor.deadline_days"));
    if (days) {
      if (*days < 1 || *days > 365)
        return Status::InvalidArgument("must be 1..365", "contractor.deadline_days");
      c.deadline_days = static_cast<int>(*days);
    }
    TILSYN_ASSIGN_OR_RETURN(auto lang, GetOptString(cj, "language", "contractor.language"));
    if (lang) c.language = *lang;
    if (c.language != "da" && c.language != "en") {
      return Status::InvalidArgument("language must be da or en", "contractor.language");
    }
    t.contractor = c;
  }
  for (size_t i = 0; i < t.actions.size(); ++i) {
    if (t.actions[i].type == "contractor" && !t.contractor) {
      return Status::InvalidArgument(
          "a contractor action needs the task's contractor (name, email)",
          "actions[" + std::to_string(i) + "].type");
    }
  }
  TILSYN_ASSIGN_OR_RETURN(auto revisit, GetOptInt(j, "revisit_days", "revisit_days"));
  if (revisit) {
    if (*revisit < 1 || *revisit > 365)
      return Status::InvalidArgument("must be 1..365", "revisit_days");
    t.revisit_days = static_cast<int>(*revisit);
  }
  for (size_t i = 0; i < t.actions.size(); ++i) {
    if (t.actions[i].on_unvisited && !t.revisit_days) {
      return Status::InvalidArgument(
          "\"unvisited\" needs revisit_days: how often the site should be seen",
          "actions[" + std::to_string(i) + "].on");
    }
  }
  TILSYN_ASSIGN_OR_RETURN(auto dc, GetOptString(j, "data_class", "data_class"));
  if (dc) {
    if (*dc != "local" && *dc != "internal" && *dc != "external") {
      return Status::InvalidArgument("must be local, internal or external", "data_class");
    }
    t.data_class = *dc;
  }
  return t;
}

Json TaskToJson(const Task& t, bool include_secrets) {
  Json targets = Json::array();
  for (const Target& g : t.targets)
    targets.push_back({{"label", g.label}, {"min_confidence", g.min_confidence}});
  Json actions = Json::array();
  for (const ActionSpec& a : t.actions) {
    Json on = Json::array();
    for (Outcome o : a.on) on.push_back(ToString(o));
    if (a.on_unvisited) on.push_back("unvisited");
    Json aj = {{"type", a.type}, {"on", on}};
    if (a.type == "webhook") {
      aj["url"] = a.url;
      aj["format"] = a.format;
      if (include_secrets)
        aj["secret"] = a.secret;
      else
        aj["has_secret"] = !a.secret.empty();
    }
    if (a.type == "email") {
      aj["to"] = a.to;
      aj["language"] = a.language;
    }
    if (a.type == "open311") {
      aj["url"] = a.url;
      aj["service_code"] = a.service_code;
      if (!a.jurisdiction_id.empty()) aj["jurisdiction_id"] = a.jurisdiction_id;
      if (include_secrets)
        aj["api_key"] = a.secret;
      else
        aj["has_api_key"] = !a.secret.empty();
    }
    actions.push_back(aj);
  }
  Json rule = {{"min_count", t.rule.min_count}, {"min_box_height_px", t.rule.min_box_height_px}};
  if (t.rule.max_count) rule["max_count"] = *t.rule.max_count;
  if (!t.rule.expected_text.empty()) rule["expected_text"] = t.rule.expected_text;
  if (t.kind == TaskKind::kText) rule["min_similarity"] = t.rule.min_similarity;
  if (ComparesWithReference(t)) {
    rule["change_threshold"] = t.rule.change_threshold;
    if (t.rule.roi) {
      rule["roi"] = {
          {"x", t.rule.roi->x}, {"y", t.rule.roi->y}, {"w", t.rule.roi->w}, {"h", t.rule.roi->h}};
    }
  }
  if (t.kind == TaskKind::kPermitCheck) {
    rule["permit_distance_m"] = t.rule.permit_distance_m;
    if (!t.rule.permit_kind.empty()) rule["permit_kind"] = t.rule.permit_kind;
  }
  Json j = {{"id", t.id},
            {"title", t.title},
            {"unit", t.unit},
            {"owner", t.owner},
            {"kind", ToString(t.kind)},
            {"targets", targets},
            {"area", t.area.ToGeoJson()},
            {"heading_tolerance_deg", t.heading_tolerance_deg},
            {"schedule", ScheduleToJson(t.schedule)},
            {"rule", rule},
            {"actions", actions},
            {"retention",
             {{"evidence_days", t.retention.evidence_days},
              {"keep_non_findings", t.retention.keep_non_findings},
              {"legal_hold", t.retention.legal_hold},
              {"inconclusive_days", t.retention.inconclusive_days}}},
            {"data_class", t.data_class},
            {"status", ToString(t.status)},
            {"revision", t.revision},
            {"created_at", FormatIso8601(t.created_ms)},
            {"updated_at", FormatIso8601(t.updated_ms)}};
  if (t.contractor) {
    j["contractor"] = {{"name", t.contractor->name},
                       {"email", t.contractor->email},
                       {"deadline_days", t.contractor->deadline_days},
                       {"language", t.contractor->language}};
  }
  if (t.heading_deg) j["heading_deg"] = *t.heading_deg;
  if (t.max_speed_kmh) j["max_speed_kmh"] = *t.max_speed_kmh;
  if (t.revisit_days) j["revisit_days"] = *t.revisit_days;
  return j;
}

}  // namespace tilsyn::tasks
