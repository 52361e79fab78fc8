#include "store/sql/pool.h"

namespace tilsyn::store::sql {

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
