// A bounded pool of connections of one backend: Acquire() lends one (opening it when none is
// free and fewer than `max` exist, else waiting), the lease gives it back, and a connection that
// is no longer healthy (lost) is closed instead of being lent again. SQLite uses a pool of one —
// its single writer connection — so the store's calls are serialised as before. Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/sql/db.h"

namespace tilsyn::store::sql {

class Pool {
 public:
  using Opener = std::function<Result<std::unique_ptr<Db>>()>;
  Pool(Opener open, int max) : open_(std::move(open)), max_(max < 1 ? 1 : max) {}
  // A pool that starts with `first` (already open and migrated).
  Pool(std::unique_ptr<Db> first, Opener open, int max);

  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Db> db) : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&& o) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Db& db() { return *db_; }

   private:
    Pool* pool_;
    std::unique_ptr<Db> db_;
  };
  Result<Lease> Acquire();

  // Runs `body` inside one transaction on a pooled connection; commits when it returns ok, rolls
  // back otherwise, and runs it again (up to 8 times, with backoff) when PostgreSQL reports a
  // serialization conflict, a deadlock or a lost connection (Unavailable). Read-only bodies see
  // one consistent snapshot. A call made from inside a body on the same thread runs in the
  // enclosing transaction (its connection), so a body may call other methods that use the pool.
  Status InTransaction(Db::Mode mode, const std::function<Status(Db&)>& body);

 private:
  void Release(std::unique_ptr<Db> db);

  Opener open_;
  const int max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Db>> idle_;  // guarded by mu_
  int open_count_ = 0;                     // guarded by mu_: idle + lent
};

}  // namespace tilsyn::store::sql
