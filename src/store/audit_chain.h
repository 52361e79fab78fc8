// The audit trail's hash chain: the canonical form of an AuditEvent, its hash, and verification
// of a whole chain. hash = SHA-256(canonical(event) + "\n" + prev_hash), where canonical() is the
// compact JSON of every field except prev_hash and hash, keys sorted. Any altered field changes
// the hash; a removed entry leaves a gap in seq and breaks prev_hash; reordered entries break
// prev_hash (and seq). Removing the newest entries cannot be seen from the chain alone: anchor
// the head hash outside the database (docs/privacy.md). Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/json_util.h"
#include "store/privacy_records.h"

namespace tilsyn::store {

// prev_hash of the first entry.
inline const std::string kAuditGenesisHash(64, '0');

std::string CanonicalAuditText(const AuditEvent& e);
std::string AuditHash(const AuditEvent& e);  // uses e.prev_hash; ignores e.hash

struct AuditVerification {
  bool ok = true;
  int64_t checked = 0;        // entries checked before the first bad one (all when ok)
  int64_t first_bad_seq = 0;  // 0 when ok
  std::string reason;         // why the first bad entry is bad
  std::string head_hash;      // hash of the last good entry (genesis when empty)
};

// Verifies `events`, which must be in the order the store returns them (seq ascending): seq runs
// 1, 2, 3 … without gaps, each prev_hash is the previous hash, each hash recomputes.
AuditVerification VerifyAuditChain(const std::vector<AuditEvent>& events);

Json AuditEventToJson(const AuditEvent& e);
Json AuditVerificationToJson(const AuditVerification& v);

}  // namespace tilsyn::store
