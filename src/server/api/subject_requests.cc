// A data subject's request (GDPR Art. 15 and 17; docs/privacy.md): the DPO finds the
// observations taken at one place in one time window, exports them, or erases them — the image
// and what the observation says of where a vehicle was. Every step is audited under the
// request's reference, before it runs; tasks on legal hold keep theirs, and observations the
// pipeline still works on are reported, not touched.
#include <map>

#include "core/time_format.h"
#include "geo/geofence.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/api/audit_util.h"
#include "server/zip_writer.h"

namespace tilsyn::server {
namespace {

// At most this many observations per request; more must be narrowed by place or time.
constexpr int kMaxMatches = 1000;

struct SubjectQuery {
  std::string reference;  // the request's case number or description (the audit's purpose)
  geo::Geofence area;
  TimeMs from_ms = 0, to_ms = 0;
  Json echo;  // area and window as asked, for the audit and the export
};

Result<TimeMs> BodyTime(const Json& body, const std::string& name) {
  if (!body.contains(name) || !body[name].is_string()) {
    return Status::InvalidArgument("required: an RFC 3339 time", name);
  }
  Result<TimeMs> t = ParseIso8601(body[name].get<std::string>());
  if (!t.ok()) return Status::InvalidArgument("must be an RFC 3339 time", name);
  return *t;
}

Result<SubjectQuery> ParseQuery(const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Json body, ParseObjectBody(req.http));
  SubjectQuery q;
  if (!body.contains("reference") || !body["reference"].is_string()) {
    return Status::InvalidArgument("required: the request's reference (case number)", "reference");
  }
  q.reference = body["reference"].get<std::string>();
  if (q.reference.size() < 3 || q.reference.size() > 200) {
    return Status::InvalidArgument("must be 3 to 200 characters", "reference");
  }
  if (!body.contains("area")) return Status::InvalidArgument("required: a GeoJSON area", "area");
  TILSYN_ASSIGN_OR_RETURN(q.area, geo::Geofence::FromGeoJson(body["area"], "area"));
  if (q.area.kind() == geo::Geofence::Kind::kCorridor) {
    return Status::InvalidArgument("must be a Point with radius_m or a Polygon", "area.type");
  }
  TILSYN_ASSIGN_OR_RETURN(q.from_ms, BodyTime(body, "from"));
  TILSYN_ASSIGN_OR_RETURN(q.to_ms, BodyTime(body, "to"));
  if (q.to_ms < q.from_ms) return Status::InvalidArgument("must not be before `from`", "to");
  q.echo = {{"area", q.area.ToGeoJson()},
            {"from", FormatIso8601(q.from_ms)},
            {"to", FormatIso8601(q.to_ms)}};
  return q;
}

struct Match {
  store::Observation obs;
  std::string task_title;
  bool legal_hold = false;
};

// The observations inside the area and window, capture time order; InvalidArgument naming
// `area` beyond kMaxMatches.
Result<std::vector<Match>> FindMatches(const ApiContext& ctx, const SubjectQuery& q) {
  store::CaptureQuery cq;
  cq.from_ms = q.from_ms;
  cq.to_ms = q.to_ms;
  const geo::BBox& box = q.area.bbox();
  cq.min_lat = box.min_lat;
  cq.max_lat = box.max_lat;
  cq.min_lon = box.min_lon;
  cq.max_lon = box.max_lon;
  std::vector<Match> out;
  std::map<std::string, tasks::Task> tasks;
  // The box holds more than the area: page through it by (capture time, id), keeping those
  // truly inside.
  cq.limit = 500;
  for (;;) {
    TILSYN_ASSIGN_OR_RETURN(std::vector<store::Observation> page,
                            ctx.store->ObservationsCapturedIn(cq));
    for (store::Observation& o : page) {
      if (!q.area.Contains({o.lat, o.lon})) continue;
      auto it = tasks.find(o.task_id);
      if (it == tasks.end()) {
        TILSYN_ASSIGN_OR_RETURN(tasks::Task t, ctx.store->GetTask(o.task_id));
        it = tasks.emplace(o.task_id, std::move(t)).first;
      }
      out.push_back({o, it->second.title, it->second.retention.legal_hold});
      if (static_cast<int>(out.size()) > kMaxMatches) {
        return Status::InvalidArgument("more than " + std::to_string(kMaxMatches) +
                                           " observations match; narrow the place or the time",
                                       "area");
      }
    }
    if (static_cast<int>(page.size()) < cq.limit) break;
    cq.from_ms = page.back().captured_ms;
    cq.after_id = page.back().id;
  }
  return out;
}

bool Busy(const store::Observation& o) {
  return o.state == store::ObservationState::kReceived ||
         o.state == store::ObservationState::kStored ||
         o.state == store::ObservationState::kAssessed;
}

Json MatchToJson(const Match& m) {
  Json j = ObservationToJson(m.obs);
  j["task_title"] = m.task_title;
  j["legal_hold"] = m.legal_hold;
  j["erasable"] = !m.legal_hold && !Busy(m.obs);
  return j;
}

Json MatchesJson(const std::vector<Match>& matches) {
  Json list = Json::array();
  for (const Match& m : matches) list.push_back(MatchToJson(m));
  return list;
}

Status AuditStep(const ApiContext& ctx, const ApiRequest& req, const SubjectQuery& q,
                 const std::string& action, Json details) {
  details["request"] = q.echo;
  return ctx.store
      ->AppendAudit(RequestAudit(ctx, req, action, "subject_request", q.reference, q.reference,
                                 std::move(details)))
      .status();
}

struct Found {
  SubjectQuery q;
  std::vector<Match> matches;
};

// The request's observations, recorded in the audit trail as `action` with their ids before
// anything is shown, exported or erased.
Result<Found> FindAudited(const ApiContext& ctx, const ApiRequest& req, const std::string& action) {
  Found f;
  TILSYN_ASSIGN_OR_RETURN(f.q, ParseQuery(req));
  TILSYN_ASSIGN_OR_RETURN(f.matches, FindMatches(ctx, f.q));
  Json ids = Json::array();
  for (const Match& m : f.matches) ids.push_back(m.obs.id);
  TILSYN_RETURN_IF_ERROR(AuditStep(ctx, req, f.q, action, {{"observations", ids}}));
  return f;
}

Result<net::HttpResponse> Search(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Found f, FindAudited(ctx, req, "subject.search"));
  return Ok({{"reference", f.q.reference},
             {"request", f.q.echo},
             {"observations", MatchesJson(f.matches)}});
}

Result<net::HttpResponse> Export(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Found f, FindAudited(ctx, req, "subject.export"));
  const SubjectQuery& q = f.q;
  const std::vector<Match>& matches = f.matches;
  std::vector<ZipEntry> entries;
  Json listed = Json::array();
  for (const Match& m : matches) {
    Json j = MatchToJson(m);
    j["image_file"] = nullptr;
    // Only images past the server's anonymization pass leave the server (invariant 2).
    if (!m.obs.blob_key.empty() && !store::AwaitsServerAnonymization(m.obs)) {
      TILSYN_ASSIGN_OR_RETURN(std::string jpeg, ctx.blobs->Get(m.obs.blob_key));
      j["image_file"] = "images/" + m.obs.id + ".jpg";
      entries.push_back({"images/" + m.obs.id + ".jpg", std::move(jpeg)});
    }
    listed.push_back(std::move(j));
  }
  Json about = {{"reference", q.reference},
                {"request", q.echo},
                {"exported_by", req.principal ? req.principal->subject : ""},
                {"exported_at", FormatIso8601(ctx.clock->NowMs())},
                {"observations", listed}};
  entries.insert(entries.begin(), {"observations.json", about.dump(2) + "\n"});
  TILSYN_ASSIGN_OR_RETURN(std::string zip, WriteZip(entries));
  net::HttpResponse r;
  r.content_type = "application/zip";
  r.body = std::move(zip);
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"subject-request.zip\"");
  return r;
}

// Deletes the image (bytes first: a crash in between leaves a record the next request finishes)
// and erases the location, audited as observation.erase in the same transaction.
Status EraseOne(const ApiContext& ctx, const ApiRequest& req, const SubjectQuery& q,
                const store::Observation& obs) {
  const TimeMs now = ctx.clock->NowMs();
  if (!obs.blob_key.empty()) TILSYN_RETURN_IF_ERROR(ctx.blobs->Delete(obs.blob_key));
  const store::AuditEvent e = RequestAudit(
      ctx, req, "observation.erase", "image", obs.id, q.reference,
      {{"task_id", obs.task_id}, {"blob_key", obs.blob_key}, {"reason", "subject_request"}});
  return ctx.store->WithAudit(e, [&](store::Store& s) -> Status {
    if (!obs.blob_key.empty()) {
      TILSYN_ASSIGN_OR_RETURN(store::BlobRecord b, s.GetBlob(obs.blob_key));
      if (!b.deleted_ms)
        TILSYN_RETURN_IF_ERROR(s.MarkBlobDeleted(obs.blob_key, now, "subject_request"));
    }
    return s.EraseObservationLocation(obs.id, now);
  });
}

Result<net::HttpResponse> Erase(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Found f, FindAudited(ctx, req, "subject.erase"));
  const SubjectQuery& q = f.q;
  const std::vector<Match>& matches = f.matches;
  Json erased = Json::array(), held = Json::array(), busy = Json::array();
  for (const Match& m : matches) {
    if (m.legal_hold) {
      held.push_back(m.obs.id);
      continue;
    }
    Status st =
        Busy(m.obs) ? Status::FailedPrecondition("busy", "state") : EraseOne(ctx, req, q, m.obs);
    if (st.code() == Code::kFailedPrecondition) {
      busy.push_back(m.obs.id);  // the pipeline still works on it: ask again in a few minutes
      continue;
    }
    TILSYN_RETURN_IF_ERROR(st);
    erased.push_back(m.obs.id);
  }
  return Ok({{"reference", q.reference},
             {"erased", erased},
             {"kept_legal_hold", held},
             {"still_processing", busy}});
}

}  // namespace

void RegisterSubjectRequestRoutes(Router& router, const ApiContext& ctx) {
  const std::vector<store::Role> dpo_admin = {store::Role::kAdmin, store::Role::kDpo};
  router.Add({"POST",
              "/api/v1/subject-requests/search",
              dpo_admin,
              "A data subject's request: the observations captured in an area (Point with "
              "radius_m, or Polygon) between `from` and `to`; audited under `reference`",
              "privacy",
              {},
              "SubjectRequest",
              "application/json",
              "SubjectMatches",
              200},
             [ctx](const ApiRequest& r) { return Search(ctx, r); });
  router.Add({"POST",
              "/api/v1/subject-requests/export",
              dpo_admin,
              "The same observations as a zip (observations.json and their anonymized images); "
              "audited before it is built",
              "privacy",
              {},
              "SubjectRequest",
              "application/json",
              "",
              200},
             [ctx](const ApiRequest& r) { return Export(ctx, r); });
  router.Add({"POST",
              "/api/v1/subject-requests/erase",
              dpo_admin,
              "Erase the same observations: each image and the position, heading, speed and "
              "vehicle; tasks on legal hold keep theirs; audited step by step",
              "privacy",
              {},
              "SubjectRequest",
              "application/json",
              "SubjectErasure",
              200},
             [ctx](const ApiRequest& r) { return Erase(ctx, r); });
}

}  // namespace tilsyn::server
