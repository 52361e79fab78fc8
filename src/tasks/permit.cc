#include "tasks/permit.h"

#include "core/time_format.h"

namespace tilsyn::tasks {
namespace {

std::string Path(const std::string& prefix, const char* field) {
  return prefix.empty() ? field : prefix + "." + field;
}

}  // namespace

Result<Permit> PermitFromJson(const Json& j, const std::string& path) {
  if (!j.is_object()) return Status::InvalidArgument("a permit must be an object", path);
  Permit p;
  TILSYN_ASSIGN_OR_RETURN(p.id, GetString(j, "id", Path(path, "id")));
  if (p.id.empty() || p.id.size() > 100) {
    return Status::InvalidArgument("must be 1..100 bytes", Path(path, "id"));
  }
  TILSYN_ASSIGN_OR_RETURN(auto holder, GetOptString(j, "holder", Path(path, "holder")));
  if (holder) p.holder = *holder;
  if (p.holder.size() > 200)
    return Status::InvalidArgument("must be at most 200 bytes", Path(path, "holder"));
  TILSYN_ASSIGN_OR_RETURN(auto kind, GetOptString(j, "kind", Path(path, "kind")));
  if (kind) p.kind = *kind;
  if (p.kind.empty() || p.kind.size() > 50) {
    return Status::InvalidArgument("must be 1..50 bytes", Path(path, "kind"));
  }
  if (!j.contains("area"))
    return Status::InvalidArgument("required field is missing", Path(path, "area"));
  TILSYN_ASSIGN_OR_RETURN(p.area, geo::Geofence::FromGeoJson(j["area"], Path(path, "area")));
  if (p.area.kind() == geo::Geofence::Kind::kCorridor) {
    return Status::InvalidArgument("a permit's area is a Point with radius_m or a Polygon",
                                   Path(path, "area.type"));
  }
  TILSYN_ASSIGN_OR_RETURN(std::string from, GetString(j, "valid_from", Path(path, "valid_from")));
  TILSYN_ASSIGN_OR_RETURN(std::string to, GetString(j, "valid_to", Path(path, "valid_to")));
  Result<TimeMs> f = ParseIso8601(from);
  if (!f.ok()) return Status::InvalidArgument("must be an RFC 3339 time", Path(path, "valid_from"));
  Result<TimeMs> t = ParseIso8601(to);
  if (!t.ok()) return Status::InvalidArgument("must be an RFC 3339 time", Path(path, "valid_to"));
  if (*t <= *f)
    return Status::InvalidArgument("valid_to must be after valid_from", Path(path, "valid_to"));
  p.valid_from = *f;
  p.valid_to = *t;
  return p;
}

Json PermitToJson(const Permit& p) {
  Json j = {{"id", p.id},
            {"holder", p.holder},
            {"kind", p.kind},
            {"area", p.area.ToGeoJson()},
            {"valid_from", FormatIso8601(p.valid_from)},
            {"valid_to", FormatIso8601(p.valid_to)}};
  if (p.updated_ms) j["updated_at"] = FormatIso8601(p.updated_ms);
  return j;
}

}  // namespace tilsyn::tasks
