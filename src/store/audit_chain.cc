#include "store/audit_chain.h"

#include "core/crypto.h"
#include "core/time_format.h"

namespace tilsyn::store {

std::string CanonicalAuditText(const AuditEvent& e) {
  // nlohmann's Json object keeps keys sorted, so dump() is canonical.
  Json j = {{"seq", e.seq},
            {"at", e.at},
            {"user", e.user},
            {"role", e.role},
            {"action", e.action},
            {"object_type", e.object_type},
            {"object_id", e.object_id},
            {"purpose", e.purpose},
            {"details", e.details.is_null() ? Json::object() : e.details}};
  return j.dump();
}

std::string AuditHash(const AuditEvent& e) {
  return Sha256Hex(CanonicalAuditText(e) + "\n" + e.prev_hash);
}

AuditVerification VerifyAuditChain(const std::vector<AuditEvent>& events) {
  AuditVerification v;
  v.head_hash = kAuditGenesisHash;
  int64_t expected_seq = 1;
  for (const AuditEvent& e : events) {
    std::string why;
    if (e.seq != expected_seq) {
      why = e.seq > expected_seq ? "entry " + std::to_string(expected_seq) + " is missing"
                                 : "entry out of order (seq " + std::to_string(e.seq) + ")";
    } else if (e.prev_hash != v.head_hash) {
      why = "prev_hash does not match the previous entry (removed or reordered entries)";
    } else if (AuditHash(e) != e.hash) {
      why = "hash does not match the entry's content (altered entry)";
    }
    if (!why.empty()) {
      v.ok = false;
      v.first_bad_seq = expected_seq;
      v.reason = why;
      return v;
    }
    v.head_hash = e.hash;
    ++v.checked;
    ++expected_seq;
  }
  return v;
}

Json AuditEventToJson(const AuditEvent& e) {
  return Json{{"seq", e.seq},
              {"at", FormatIso8601(e.at)},
              {"at_ms", e.at},
              {"user", e.user},
              {"role", e.role},
              {"action", e.action},
              {"object_type", e.object_type},
              {"object_id", e.object_id},
              {"purpose", e.purpose},
              {"details", e.details},
              {"prev_hash", e.prev_hash},
              {"hash", e.hash}};
}

Json AuditVerificationToJson(const AuditVerification& v) {
  Json j = {{"ok", v.ok}, {"checked", v.checked}, {"head_hash", v.head_hash}};
  if (!v.ok) {
    j["first_bad_seq"] = v.first_bad_seq;
    j["reason"] = v.reason;
  }
  return j;
}

}  // namespace tilsyn::store
