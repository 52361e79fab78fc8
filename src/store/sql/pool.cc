#include "store/sql/pool.h"

#include <chrono>
#include <thread>
#include <utility>

#include "core/retry_policy.h"

namespace tilsyn::store::sql {
namespace {

// The transactions open on this thread: (pool, connection), innermost last.
thread_local std::vector<std::pair<const Pool*, Db*>> tl_open;

Db* OpenOnThisThread(const Pool* pool) {
  for (auto& [p, db] : tl_open) {
    if (p == pool) return db;
  }
  return nullptr;
}

}  // namespace

Status Pool::InTransaction(Db::Mode mode, const std::function<Status(Db&)>& body) {
  if (Db* db = OpenOnThisThread(this)) return body(*db);  // nested: the outer one decides
  // Conflicts clear in milliseconds; a lost connection is replaced at once: short, doubling
  // waits, 8 tries (a longer outage reaches the caller as Unavailable, which it retries).
  static const RetryPolicy kConflicts{/*base_ms=*/4, /*cap_ms=*/500, /*max_attempts=*/8};
  for (int attempt = 1;; ++attempt) {
    Status s;
    Dialect dialect;
    {
      TILSYN_ASSIGN_OR_RETURN(Lease lease, Acquire());
      Db& db = lease.db();
      dialect = db.dialect();
      Transaction txn(db, mode);
      s = txn.status();
      if (s.ok()) {
        tl_open.emplace_back(this, &db);
        s = body(db);
        tl_open.pop_back();
      }
      if (s.ok()) s = txn.Commit();
    }
    // SQLite's busy wait happens inside the call (busy_timeout); PostgreSQL reports a
    // serialization conflict or a lost connection as Unavailable: run the whole body again.
    if (s.ok() || dialect != Dialect::kPostgres || s.code() != Code::kUnavailable ||
        attempt >= kConflicts.max_attempts) {
      return s;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kConflicts.DelayMs(attempt)));
  }
}

Pool::Pool(std::unique_ptr<Db> first, Opener open, int max) : Pool(std::move(open), max) {
  idle_.push_back(std::move(first));
  open_count_ = 1;
}

Pool::Lease::~Lease() {
  if (db_) pool_->Release(std::move(db_));
}

Result<Pool::Lease> Pool::Acquire() {
  {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return !idle_.empty() || open_count_ < max_; });
    if (!idle_.empty()) {
      std::unique_ptr<Db> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
    ++open_count_;  // reserve the slot; open outside the lock
  }
  auto db = open_ ? open_() : Result<std::unique_ptr<Db>>(Status::Unavailable("no connection"));
  if (!db.ok()) {
    std::lock_guard<std::mutex> l(mu_);
    --open_count_;
    cv_.notify_one();
    return db.status();
  }
  return Lease(this, std::move(db).value());
}

void Pool::Release(std::unique_ptr<Db> db) {
  std::lock_guard<std::mutex> l(mu_);
  if (db->healthy()) {
    idle_.push_back(std::move(db));
  } else {
    --open_count_;  // dropped: a lost connection is reopened on demand
  }
  cv_.notify_one();
}

}  // namespace tilsyn::store::sql
