#include "server/api/api_util.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "core/time_format.h"
#include "server/api/api.h"

namespace tilsyn::server {

Result<Json> ParseObjectBody(const net::HttpRequest& req) {
  // JSON only as JSON: a text/plain or form body is refused before it is read (a browser can
  // send those cross-site without a preflight).
  auto ct = req.headers.find("content-type");
  std::string type = ct == req.headers.end() ? "" : ct->second.substr(0, ct->second.find(';'));
  type.erase(type.find_last_not_of(" \t") + 1);
  type.erase(0, type.find_first_not_of(" \t"));
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!req.body.empty() && type != "application/json" &&
      !(type.size() > 5 && type.compare(type.size() - 5, 5, "+json") == 0)) {
    return Status::UnsupportedMedia("the body must be sent as Content-Type: application/json" +
                                        std::string(type.empty() ? "" : " (got " + type + ")"),
                                    "content-type");
  }
  TILSYN_ASSIGN_OR_RETURN(Json j, ParseJson(req.body));
  if (!j.is_object()) return Status::InvalidArgument("the body must be a JSON object", "body");
  return j;
}

Result<int64_t> QueryInt(const net::HttpRequest& req, const std::string& name, int64_t fallback,
                         int64_t min, int64_t max) {
  auto it = req.query.find(name);
  if (it == req.query.end() || it->second.empty()) return fallback;
  const std::string& s = it->second;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return Status::InvalidArgument("must be an integer", name);
  }
  if (v < min || v > max) {
    return Status::InvalidArgument("must be " + std::to_string(min) + ".." + std::to_string(max),
                                   name);
  }
  return v;
}

std::optional<std::string> QueryString(const net::HttpRequest& req, const std::string& name) {
  auto it = req.query.find(name);
  if (it == req.query.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

Result<std::optional<TimeMs>> QueryTime(const net::HttpRequest& req, const std::string& name) {
  std::optional<std::string> v = QueryString(req, name);
  if (!v) return std::optional<TimeMs>();
  Result<TimeMs> t = ParseIso8601(v->size() == 10 ? *v + "T00:00:00Z" : *v);
  if (!t.ok())
    return Status::InvalidArgument("must be a day (YYYY-MM-DD) or an RFC 3339 time", name);
  return std::optional<TimeMs>(*t);
}

Result<std::optional<geo::BBox>> QueryBbox(const net::HttpRequest& req) {
  std::optional<std::string> text = QueryString(req, "bbox");
  if (!text) return std::optional<geo::BBox>();
  const Status bad = Status::InvalidArgument(
      "bbox must be minLon,minLat,maxLon,maxLat: 4 numbers in degrees, min <= max", "bbox");
  double v[4];
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    size_t end = text->find(',', pos);
    if ((i < 3) != (end != std::string::npos)) return bad;
    if (end == std::string::npos) end = text->size();
    const char* first = text->data() + pos;
    const char* last = text->data() + end;
    auto [ptr, ec] = std::from_chars(first, last, v[i]);
    if (ec != std::errc() || ptr != last || !std::isfinite(v[i])) return bad;
    pos = end + 1;
  }
  geo::BBox b;
  b.min_lon = v[0];
  b.min_lat = v[1];
  b.max_lon = v[2];
  b.max_lat = v[3];
  if (b.min_lon > b.max_lon || b.min_lat > b.max_lat || b.min_lon < -180 || b.max_lon > 180 ||
      b.min_lat < -90 || b.max_lat > 90) {
    return bad;
  }
  return std::optional<geo::BBox>(b);
}

net::HttpResponse Ok(const Json& body) { return net::HttpResponse::JsonBody(200, body); }
net::HttpResponse Created(const Json& body) { return net::HttpResponse::JsonBody(201, body); }

namespace {
Json OptNumber(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }
Json OptTime(const std::optional<TimeMs>& t) { return t ? Json(FormatIso8601(*t)) : Json(nullptr); }
}  // namespace

Json VehicleToJson(const store::Vehicle& v) {
  Json pos = nullptr;
  if (v.last_lat && v.last_lon) {
    pos = {{"lat", *v.last_lat}, {"lon", *v.last_lon}, {"at", OptTime(v.last_seen_ms)}};
  }
  return {{"id", v.id},
          {"name", v.name},
          {"kind", v.kind},
          {"lane", v.lane},
          {"created_at", FormatIso8601(v.created_ms)},
          {"last_position", pos}};
}

Json ObservationToJson(const store::Observation& o) {
  Json out = {{"id", o.id},
              {"task_id", o.task_id},
              {"job_id", o.job_id},
              {"vehicle_id", o.vehicle_id},
              {"captured_at", FormatIso8601(o.captured_ms)},
              {"lat", o.lat},
              {"lon", o.lon},
              {"heading_deg", OptNumber(o.heading_deg)},
              {"speed_kmh", OptNumber(o.speed_kmh)},
              {"accuracy_m", OptNumber(o.accuracy_m)},
              {"has_image", !o.blob_key.empty()},
              {"image_sha256", o.image_sha256},
              {"anonymization", o.anonymization},
              {"state", std::string(store::ToString(o.state))},
              {"error", o.error},
              {"attempts", o.attempts},
              {"received_at", FormatIso8601(o.received_ms)},
              {"updated_at", FormatIso8601(o.updated_ms)},
              {"location_erased_at", nullptr}};
  if (o.location_erased_ms) {
    // Erased (location retention or a data subject's request): no position, no vehicle.
    out["lat"] = nullptr;
    out["lon"] = nullptr;
    out["location_erased_at"] = FormatIso8601(*o.location_erased_ms);
  }
  return out;
}

Json AssessmentToJson(const store::AssessmentRecord& a) {
  Json feedback = nullptr;
  if (!a.feedback.empty()) {
    feedback = {{"verdict", a.feedback},
                {"corrected_label", a.corrected_label},
                {"satisfaction", a.satisfaction ? Json(*a.satisfaction) : Json(nullptr)},
                {"by", a.feedback_by}};
  }
  return {{"id", a.id},
          {"observation_id", a.observation_id},
          {"task_id", a.task_id},
          {"outcome", a.outcome},
          {"reason", a.reason},
          {"reason_code", a.reason_code},
          {"reason_params", a.reason_params},
          {"counts", a.counts},
          {"created_at", FormatIso8601(a.created_ms)},
          {"feedback", feedback}};
}

Json RunToJson(const store::RecognitionRunRecord& r) {
  return {{"id", r.id},
          {"service", r.service},
          {"label", r.label},
          {"position", r.position},
          {"started_at", FormatIso8601(r.started_ms)},
          {"finished_at", FormatIso8601(r.finished_ms)},
          {"ms", r.finished_ms - r.started_ms},
          {"detections", r.detections},
          {"good_enough", r.good_enough},
          {"error", r.error}};
}

Result<store::Observation> FindObservation(const ApiContext& ctx, const ApiRequest& req,
                                           const std::string& id) {
  Result<store::Observation> obs = ctx.store->GetObservation(id);
  if (!obs.ok() && obs.status().code() == Code::kNotFound) {
    return Status::NotFound("no observation " + id, "id");
  }
  TILSYN_RETURN_IF_ERROR(obs.status());
  if (!VisibleUnits(req).empty() && !LoadVisibleTask(ctx, req, obs->task_id).ok()) {
    return Status::NotFound("no observation " + id, "id");
  }
  return obs;
}

const std::vector<std::string>& VisibleUnits(const ApiRequest& req) {
  static const std::vector<std::string> kAll;
  if (!req.principal || req.principal->role != store::Role::kInspector) return kAll;
  return req.principal->units;
}

bool InScope(const ApiRequest& req, const std::string& unit) {
  const std::vector<std::string>& units = VisibleUnits(req);
  return units.empty() || unit.empty() ||
         std::find(units.begin(), units.end(), unit) != units.end();
}

Result<tasks::Task> LoadVisibleTask(const ApiContext& ctx, const ApiRequest& req,
                                    const std::string& id) {
  Result<tasks::Task> t = ctx.store->GetTask(id);
  if ((!t.ok() && t.status().code() == Code::kNotFound) || (t.ok() && !InScope(req, t->unit))) {
    return Status::NotFound("no task " + id, "id");
  }
  return t;
}

Result<std::string> RequiredPurpose(const net::HttpRequest& http, const std::string& doing) {
  std::optional<std::string> purpose = QueryString(http, "purpose");
  if (!purpose || purpose->size() < 3) {
    return Status::InvalidArgument("state why you " + doing + " (at least 3 characters)",
                                   "purpose");
  }
  if (purpose->size() > 500) return Status::InvalidArgument("at most 500 characters", "purpose");
  return *purpose;
}

Result<KeptImage> LoadKeptImage(const ApiContext& ctx, const ApiRequest& req,
                                const std::string& id) {
  TILSYN_ASSIGN_OR_RETURN(store::Observation obs, FindObservation(ctx, req, id));
  if (obs.blob_key.empty()) return Status::NotFound("the image was deleted", "id");
  // Privacy invariant 2: an upload in the quarantine is not served before the server's pass.
  if (store::AwaitsServerAnonymization(obs)) {
    return Status::FailedPrecondition("the image is waiting for the server's anonymization pass",
                                      "id");
  }
  TILSYN_ASSIGN_OR_RETURN(std::string jpeg, ctx.blobs->Get(obs.blob_key));
  return KeptImage{std::move(obs), std::move(jpeg)};
}

Json ActionRunToJson(const store::ActionRunRecord& r) {
  return {{"id", r.id},
          // null for a run of no assessment (a site nobody visits: trigger "unvisited")
          {"assessment_id", r.assessment_id.empty() ? Json(nullptr) : Json(r.assessment_id)},
          {"trigger", r.assessment_id.empty() ? "unvisited" : "assessment"},
          {"task_id", r.task_id},
          {"type", r.type},
          {"target", r.target},
          {"idempotency_key", r.idempotency_key},
          {"status", std::string(store::ToString(r.status))},
          {"attempts", r.attempts},
          {"next_attempt_at", FormatIso8601(r.next_attempt_ms)},
          {"attempt_log", r.attempt_log},
          {"last_error", r.last_error},
          {"payload", r.payload},
          {"created_at", FormatIso8601(r.created_ms)},
          {"updated_at", FormatIso8601(r.updated_ms)},
          {"result", r.result}};
}

}  // namespace tilsyn::server
