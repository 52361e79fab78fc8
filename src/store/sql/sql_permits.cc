// Permits (store/permit_store.h): the area as GeoJSON plus its bounding box for the "near"
// filter; replaced whole on a repeat id.
#include "core/clock.h"
#include "store/sql/sql_rows.h"
#include "store/sql/sql_store.h"

namespace tilsyn::store::sql {
namespace {

constexpr char kPermitColumns[] = "id, holder, kind, area, valid_from_ms, valid_to_ms, updated_ms";

Result<tasks::Permit> ReadPermit(const Statement& st) {
  tasks::Permit p;
  p.id = st.Text(0);
  p.holder = st.Text(1);
  p.kind = st.Text(2);
  TILSYN_ASSIGN_OR_RETURN(Json area, ParseJson(st.Text(3)));
  TILSYN_ASSIGN_OR_RETURN(p.area, geo::Geofence::FromGeoJson(area, "area"));
  p.valid_from = st.Int(4);
  p.valid_to = st.Int(5);
  p.updated_ms = st.Int(6);
  return p;
}

}  // namespace

Result<bool> SqlStore::PutPermit(const tasks::Permit& p) {
  if (p.id.empty()) return Status::InvalidArgument("permit id is empty", "id");
  bool created = false;
  TILSYN_RETURN_IF_ERROR(Write([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement q, db.Prepare("SELECT 1 FROM permits WHERE id = ?"));
    q.Bind(1, p.id);
    TILSYN_ASSIGN_OR_RETURN(bool exists, q.Step());
    created = !exists;
    TILSYN_ASSIGN_OR_RETURN(
        Statement st,
        db.Prepare("INSERT INTO permits (id, holder, kind, area, min_lat, min_lon, "
                   "max_lat, max_lon, valid_from_ms, valid_to_ms, updated_ms) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                   "holder = excluded.holder, kind = excluded.kind, area = excluded.area, "
                   "min_lat = excluded.min_lat, min_lon = excluded.min_lon, "
                   "max_lat = excluded.max_lat, max_lon = excluded.max_lon, "
                   "valid_from_ms = excluded.valid_from_ms, valid_to_ms = excluded.valid_to_ms, "
                   "updated_ms = excluded.updated_ms"));
    const geo::BBox& b = p.area.bbox();
    st.Bind(1, p.id).Bind(2, p.holder).Bind(3, p.kind).Bind(4, p.area.ToGeoJson().dump());
    st.Bind(5, b.min_lat).Bind(6, b.min_lon).Bind(7, b.max_lat).Bind(8, b.max_lon);
    st.Bind(9, p.valid_from).Bind(10, p.valid_to).Bind(11, p.updated_ms);
    return st.Run();
  }));
  return created;
}

Result<tasks::Permit> SqlStore::GetPermit(const std::string& id) {
  tasks::Permit out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    TILSYN_ASSIGN_OR_RETURN(Statement st,
                            db.Prepare(Select(kPermitColumns, "permits", "WHERE id = ?")));
    st.Bind(1, id);
    TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("no permit " + id, "id");
    TILSYN_ASSIGN_OR_RETURN(out, ReadPermit(st));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<tasks::Permit>> SqlStore::ListPermits(const PermitFilter& f) {
  std::vector<tasks::Permit> out;
  TILSYN_RETURN_IF_ERROR(Read([&](Db& db) -> Status {
    std::string where = "WHERE 1 = 1";
    if (f.valid_at) where += " AND valid_from_ms <= ? AND valid_to_ms > ?";
    if (f.near) where += " AND max_lat >= ? AND min_lat <= ? AND max_lon >= ? AND min_lon <= ?";
    if (f.kind) where += " AND kind = ?";
    where += " ORDER BY valid_from_ms, id LIMIT ?";
    TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare(Select(kPermitColumns, "permits", where)));
    int i = 1;
    if (f.valid_at) {
      st.Bind(i++, *f.valid_at);
      st.Bind(i++, *f.valid_at);
    }
    if (f.near) {
      st.Bind(i++, f.near->min_lat);
      st.Bind(i++, f.near->max_lat);
      st.Bind(i++, f.near->min_lon);
      st.Bind(i++, f.near->max_lon);
    }
    if (f.kind) st.Bind(i++, *f.kind);
    st.Bind(i, f.limit > 0 ? static_cast<int64_t>(f.limit) : kNoLimit);
    while (true) {
      TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      TILSYN_ASSIGN_OR_RETURN(tasks::Permit p, ReadPermit(st));
      out.push_back(std::move(p));
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace tilsyn::store::sql
