// Small helpers shared by the API handlers: body and query parsing with field-naming errors,
// and JSON for store records. Internal to the server module.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json_util.h"
#include "core/result.h"
#include "geo/geofence.h"
#include "net/http.h"
#include "store/case_store.h"
#include "store/records.h"
#include "tasks/task.h"

namespace tilsyn::server {

struct ApiContext;
struct ApiRequest;

// Role sets of docs/api.md.
inline const std::vector<store::Role> kAdminOnly = {store::Role::kAdmin};
inline const std::vector<store::Role> kAdminInspector = {store::Role::kAdmin,
                                                         store::Role::kInspector};
inline const std::vector<store::Role> kReaders = {store::Role::kAdmin, store::Role::kInspector,
                                                  store::Role::kDpo};
inline const std::vector<store::Role> kVehicleOnly = {store::Role::kVehicle};

// The body as a JSON object: UnsupportedMedia (field "content-type") unless it is sent as
// application/json (or +json), InvalidArgument (field "body") when malformed or not an object.
Result<Json> ParseObjectBody(const net::HttpRequest& req);
// An integer query parameter within [min, max], `fallback` when absent; InvalidArgument naming it.
Result<int64_t> QueryInt(const net::HttpRequest& req, const std::string& name, int64_t fallback,
                         int64_t min, int64_t max);
// A query parameter, nullopt when absent or empty.
std::optional<std::string> QueryString(const net::HttpRequest& req, const std::string& name);
// A time query parameter: a day (YYYY-MM-DD, its start in UTC) or an RFC 3339 time; nullopt
// when absent, InvalidArgument naming it when malformed.
Result<std::optional<TimeMs>> QueryTime(const net::HttpRequest& req, const std::string& name);
// Query `bbox`=minLon,minLat,maxLon,maxLat in degrees with min <= max; nullopt when absent,
// InvalidArgument naming "bbox" when malformed.
Result<std::optional<geo::BBox>> QueryBbox(const net::HttpRequest& req);

net::HttpResponse Ok(const Json& body);
net::HttpResponse Created(const Json& body);

// The observation `id`, NotFound naming "id" when unknown.
Result<store::Observation> FindObservation(const ApiContext& ctx, const ApiRequest& req,
                                           const std::string& id);
// Its stored (anonymized) image: NotFound naming "id" when the observation is unknown or the
// image was deleted. Reading bytes is not an audited view; callers that show them audit first.
struct KeptImage {
  store::Observation obs;
  std::string jpeg;
};
Result<KeptImage> LoadKeptImage(const ApiContext& ctx, const ApiRequest& req,
                                const std::string& id);

// The stated purpose of opening or exporting an image (query `purpose`, 3–500 characters;
// InvalidArgument naming `purpose`, "state why you <doing>" when missing or short).
Result<std::string> RequiredPurpose(const net::HttpRequest& http, const std::string& doing);

// An assessment by id; NotFound naming `id`.
Result<store::AssessmentRecord> LoadAssessment(const ApiContext& ctx, const ApiRequest& req,
                                               const std::string& id);

// The units whose tasks the caller sees and edits: an inspector account's units (empty = every
// unit: admins, DPOs, tokens, and inspectors without units).
const std::vector<std::string>& VisibleUnits(const ApiRequest& req);
// Whether a task of `unit` is visible to the caller (tasks of no unit are visible to all).
bool InScope(const ApiRequest& req, const std::string& unit);
// The task `id`, NotFound naming "id" when unknown or outside the caller's units (the same
// answer: other units' task ids are not confirmed).
Result<tasks::Task> LoadVisibleTask(const ApiContext& ctx, const ApiRequest& req,
                                    const std::string& id);
// GET /api/v1/assessments/{id}: the assessment with its recognition runs, action runs, case and
// the reference image it was compared with.
Result<Json> AssessmentDetailJson(const ApiContext& ctx, const store::AssessmentRecord& a);

// {status, assignee, events: [{at, user, status?, step?, step_date?, note?, assignee?}]}.
Json CaseToJson(const store::CaseState& c);

Json VehicleToJson(const store::Vehicle& v);
Json ObservationToJson(const store::Observation& o);
Json AssessmentToJson(const store::AssessmentRecord& a);
Json RunToJson(const store::RecognitionRunRecord& r);
Json ActionRunToJson(const store::ActionRunRecord& r);

}  // namespace tilsyn::server
