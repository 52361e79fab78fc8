// Shared fixture for the backend-independent Store suite: each test runs once per backend
// (TEST_P over StoreBackend; instantiated in store_backends_test.cc), plus record builders.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "fakes/test_paths.h"
#include "store/store.h"

namespace tilsyn::store::testing {

struct StoreBackend {
  std::string name;
  // Opens the store kept under `dir`; opening the same dir again reopens the same data.
  std::function<Result<std::unique_ptr<Store>>(const std::string& dir)> open;
  // False when this run has no such backend (PostgreSQL without TILSYN_TEST_DATABASE_URL): the
  // case is skipped, so the list of cases is the same in every run.
  std::function<bool()> available = [] { return true; };
};

class StoreTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    if (!GetParam().available()) GTEST_SKIP() << GetParam().name << " is not available in this run";
    store_ = Open();
  }
  std::unique_ptr<Store> Open() {
    auto s = GetParam().open(dir_.path());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  // Closes and reopens the store (data must survive).
  void Reopen() {
    store_.reset();
    store_ = Open();
  }

  ::tilsyn::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

inline constexpr TimeMs kT0 = 1'700'000'000'000;

// A task that TaskFromJson accepts (round-trips through storage).
tasks::Task MakeTask(const std::string& id, tasks::TaskStatus status = tasks::TaskStatus::kActive);
tasks::CaptureJob MakeJob(const tasks::Task& t, bool active = true);
Vehicle MakeVehicle(const std::string& id, const std::string& name);
Observation MakeObservation(const std::string& id, const std::string& task_id, TimeMs received_ms);
BlobRecord MakeBlob(const std::string& key, const Observation& obs,
                    std::optional<TimeMs> delete_after_ms = std::nullopt);
RecognitionRunRecord MakeRun(const std::string& obs_id, const std::string& service, int position,
                             TimeMs started_ms, int64_t latency_ms, bool good_enough,
                             const std::string& error = "");
AssessmentRecord MakeAssessment(const std::string& id, const Observation& obs,
                                const std::string& outcome, TimeMs created_ms);
ActionRunRecord MakeActionRun(const std::string& id, const std::string& assessment_id,
                              const std::string& key, TimeMs next_attempt_ms);

}  // namespace tilsyn::store::testing
