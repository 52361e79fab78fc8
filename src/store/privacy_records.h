// Records of the privacy side of the store: the hash-chained audit trail (AuditEvent), captures
// refused at ingest (RefusalRecord) and the DPO's processing record (PurposeRecord). Plain value
// types; the chain arithmetic (canonical form, hashes, verification) is in store/audit_chain.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json_util.h"

namespace tilsyn::store {

// One entry of the audit trail. The store assigns seq (1, 2, …), prev_hash (the previous entry's
// hash, 64 zeros for the first) and hash (audit_chain.h) when it appends.
struct AuditEvent {
  int64_t seq = 0;
  TimeMs at = 0;
  std::string user;         // token subject, or "system" for the pipeline and the sweeper
  std::string role;         // admin | inspector | dpo | vehicle | system
  std::string action;       // image.view, image.export, image.delete, task.create, …
  std::string object_type;  // image | task | assessment | key
  std::string object_id;
  std::string purpose;            // why (required for image views and exports)
  Json details = Json::object();  // small, non-personal context
  std::string prev_hash;
  std::string hash;
};

// An audit event to append (seq and hashes are set by the store).
AuditEvent NewAuditEvent(TimeMs at, std::string user, std::string role, std::string action,
                         std::string object_type, std::string object_id, std::string purpose = "",
                         Json details = Json::object());

// Filters of Store::ListAudit; `limit` <= 0 means no limit. Ordered by seq ascending.
struct AuditFilter {
  std::optional<std::string> action;
  std::optional<std::string> user;
  std::optional<std::string> object_id;
  std::optional<TimeMs> from_ms, to_ms;  // at in [from, to)
  int64_t after_seq = 0;                 // seq > after_seq (paging)
  int limit = 0;
  bool newest_first = false;  // seq order by default; the newest `limit` entries when set
};

// An upload the server refused because it lay outside what a job allows (invariant 1).
struct RefusalRecord {
  TimeMs at = 0;
  std::string vehicle_id;
  std::string job_id;
  std::string task_id;  // empty when the job is unknown
  std::string reason;   // the refusal's message, e.g. "outside the geofence"
  std::string field;    // the metadata field it names, e.g. "lat"
};

// The processing record of one purpose (a task kind).
struct PurposeRecord {
  std::string purpose;  // task kind: presence, absence, count, …
  int64_t tasks = 0;
  int64_t observations = 0;
  std::map<std::string, int64_t> anonymized_vehicle;  // class -> regions blurred on the vehicle
  std::map<std::string, int64_t> anonymized_server;   // class -> regions blurred on the server
  int64_t images_kept = 0;
  int64_t images_deleted = 0;
  // Capture to deletion (deleted images) or to the deadline (kept ones).
  double retention_mean_ms = 0;
  int64_t retention_max_ms = 0;
  std::map<std::string, int64_t> services;  // recognition service -> images it was sent
  std::map<std::string, int64_t> refusals;  // "field: reason" -> captures refused
};

}  // namespace tilsyn::store
