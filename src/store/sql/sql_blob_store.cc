// BlobStore over the `images` table (migration 8): one row per key, bytes as BLOB / BYTEA, each
// call one transaction on the shared connection layer (retried on PostgreSQL conflicts).
#include <memory>

#include "core/clock.h"
#include "store/blob_store.h"
#include "store/sql/pg_db.h"
#include "store/sql/pool.h"

namespace tilsyn::store {
namespace {

using sql::Db;
using sql::Statement;

class SqlBlobStore final : public BlobStore {
 public:
  explicit SqlBlobStore(std::unique_ptr<sql::Pool> pool) : pool_(std::move(pool)) {}

  Status Put(const std::string& key, std::string_view data) override {
    TILSYN_RETURN_IF_ERROR(ValidateBlobKey(key));
    return pool_->InTransaction(Db::Mode::kWrite, [&](Db& db) -> Status {
      TILSYN_ASSIGN_OR_RETURN(
          Statement st, db.Prepare("INSERT INTO images (key, data, stored_ms) VALUES (?, ?, ?) "
                                   "ON CONFLICT(key) DO UPDATE SET data = excluded.data, "
                                   "stored_ms = excluded.stored_ms"));
      st.Bind(1, key).BindBlob(2, data).Bind(3, SystemClock::Get()->NowMs());
      return st.Run();
    });
  }

  Result<std::string> Get(const std::string& key) override {
    TILSYN_RETURN_IF_ERROR(ValidateBlobKey(key));
    std::string out;
    TILSYN_RETURN_IF_ERROR(pool_->InTransaction(Db::Mode::kRead, [&](Db& db) -> Status {
      TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT data FROM images WHERE key = ?"));
      st.Bind(1, key);
      TILSYN_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return Status::NotFound("no image " + key, "key");
      out = st.Blob(0);
      return Status::Ok();
    }));
    return out;
  }

  Status Delete(const std::string& key) override {
    TILSYN_RETURN_IF_ERROR(ValidateBlobKey(key));
    return pool_->InTransaction(Db::Mode::kWrite, [&](Db& db) -> Status {
      TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare("DELETE FROM images WHERE key = ?"));
      st.Bind(1, key);
      return st.Run();
    });
  }

  bool Exists(const std::string& key) override {
    if (!ValidateBlobKey(key).ok()) return false;
    bool found = false;
    Status s = pool_->InTransaction(Db::Mode::kRead, [&](Db& db) -> Status {
      TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT 1 FROM images WHERE key = ?"));
      st.Bind(1, key);
      TILSYN_ASSIGN_OR_RETURN(found, st.Step());
      return Status::Ok();
    });
    return s.ok() && found;
  }

  Result<std::vector<std::string>> Keys() override {
    std::vector<std::string> out;
    TILSYN_RETURN_IF_ERROR(pool_->InTransaction(Db::Mode::kRead, [&](Db& db) -> Status {
      TILSYN_ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT key FROM images ORDER BY key"));
      return sql::CollectRows(st, out, [](const Statement& s) { return s.Text(0); });
    }));
    return out;
  }

 private:
  std::unique_ptr<sql::Pool> pool_;
};

}  // namespace

Result<std::unique_ptr<BlobStore>> OpenPostgresBlobStore(const std::string& url, int connections) {
  TILSYN_ASSIGN_OR_RETURN(std::unique_ptr<sql::Pool> pool, sql::OpenPostgresPool(url, connections));
  return std::unique_ptr<BlobStore>(new SqlBlobStore(std::move(pool)));
}

}  // namespace tilsyn::store
