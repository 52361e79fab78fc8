// GET /healthz (alive) and GET /readyz (the database answers at this binary's schema), on the
// store the run uses (SQLite, or PostgreSQL in the server_on_postgresql entry).
#include <memory>

#include "api_fixture.h"
#include "fakes/faulty_store.h"

namespace tilsyn::server::testing {
namespace {

class HealthApi : public ApiTest {
 protected:
  // Requests see the store through a fault plan (the database going away).
  void ConfigureContext(ApiContext& ctx) override {
    faulty_ = std::make_unique<::tilsyn::testing::FaultyStore>(ctx.store, &plan_);
    ctx.store = faulty_.get();
  }
  ::tilsyn::testing::FaultPlan plan_;
  std::unique_ptr<::tilsyn::testing::FaultyStore> faulty_;
};

TEST_F(HealthApi, ReadyWhenTheDatabaseAnswersAtTheCurrentSchema) {
  Reply live = Call("GET", "/healthz", "");
  EXPECT_EQ(live.status, 200);
  Reply ready = Call("GET", "/readyz", "");
  EXPECT_EQ(ready.status, 200) << ready.raw.body;
  EXPECT_EQ(ready.json.value("status", ""), "ready");
  EXPECT_EQ(store_->Ready().code(), Code::kOk);  // the real store, not only the wrapper
}

TEST_F(HealthApi, NotReadyWhileTheDatabaseIsUnreachableButStillAlive) {
  plan_.FailAlways("Ready", Status::Unavailable("database not reachable: connection refused"));
  Reply ready = Call("GET", "/readyz", "");
  EXPECT_EQ(ready.status, 503) << ready.raw.body;
  EXPECT_EQ(ready.ErrorCode(), "unavailable");
  EXPECT_EQ(Call("GET", "/healthz", "").status, 200);
  plan_.Heal("Ready");
  EXPECT_EQ(Call("GET", "/readyz", "").status, 200);
}

}  // namespace
}  // namespace tilsyn::server::testing
