// AuditStore: the hash-chained, append-only audit trail, refused captures and the DPO's
// processing record (store/privacy_records.h). One of the narrow seams of the store
// (store/store.h); a change that must be audited in the same transaction goes through
// Store::WithAudit. Thread-safe as its implementation; every method is one transaction.
#pragma once

#include <optional>
#include <vector>

#include "core/result.h"
#include "store/privacy_records.h"
#include "store/records.h"

namespace tilsyn::store {

class AuditStore {
 public:
  virtual ~AuditStore() = default;

  // Appends `e` to the hash-chained audit trail, assigning seq, prev_hash and hash (the given
  // values are ignored); returns the stored event. The trail is append-only: there is no
  // method to change or remove an entry.
  virtual Result<AuditEvent> AppendAudit(const AuditEvent& e) = 0;
  // Entries in seq order (AuditFilter).
  virtual Result<std::vector<AuditEvent>> ListAudit(const AuditFilter& f) = 0;
  virtual Status RecordRefusal(const RefusalRecord& r) = 0;
  // One record per task kind that has tasks, observations or refusals (plus "unknown" for
  // refusals of unknown jobs), ordered by purpose.
  virtual Result<std::vector<PurposeRecord>> ProcessingRecord() = 0;
  // The processing record's facts the system cannot know (controller, legal basis, recipients,
  // …; server/record_facts.h), kept in versions: stores a new one and returns its number.
  virtual Result<int64_t> PutRecordFacts(const VersionedDocument& facts) = 0;
  virtual Result<std::optional<VersionedDocument>> CurrentRecordFacts() = 0;
};

}  // namespace tilsyn::store
