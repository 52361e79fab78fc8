// RetentionStore: image records and their deletion deadlines (the sweeper's queue). One of the
// narrow seams of the store (store/store.h): code that needs only this aggregate takes a
// RetentionStore; the SQL store (store/sql/) implements every seam in one class, on SQLite and
// PostgreSQL. Thread-safe as its implementation; every method is one transaction.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/records.h"

namespace tilsyn::store {

class RetentionStore {
 public:
  virtual ~RetentionStore() = default;

  virtual Result<BlobRecord> GetBlob(const std::string& key) = 0;
  // Sets delete_after_ms of a stored, not yet deleted blob (FailedPrecondition when deleted).
  virtual Status SetBlobDeadline(const std::string& key, TimeMs delete_after_ms) = 0;
  // Marks the blob deleted (and clears the observation's blob_key). Ok (keeping the first
  // record) when already marked; NotFound when unknown.
  virtual Status MarkBlobDeleted(const std::string& key, TimeMs at, const std::string& reason) = 0;
  // The sweeper's claim: images not deleted whose deadline <= now, whose task has no legal hold
  // and whose observation is not waiting to be assessed (received, stored or assessed), earliest
  // first, that no other sweeper holds — each then held until
  // `until` (a sweeper killed mid-deletion leaves them to the next one after that). On
  // PostgreSQL images other sweepers are claiming at the same moment are skipped (FOR UPDATE
  // SKIP LOCKED).
  virtual Result<std::vector<BlobRecord>> ClaimDueBlobs(TimeMs now, TimeMs until, int limit) = 0;
  // Every image not deleted, the soonest deadline first (the DPO's retention queue).
  virtual Result<std::vector<BlobRecord>> KeptBlobs(int limit) = 0;
  // {"kept": n, "deleted": n}
  virtual Result<std::map<std::string, int64_t>> CountBlobs() = 0;
};

}  // namespace tilsyn::store
