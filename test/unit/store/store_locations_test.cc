// Store suite: where observations were taken — the data-subject search by place and time, and
// erasing an observation's location (data subjects' requests and location retention).
#include "store_fixture.h"

namespace tilsyn::store::testing {
namespace {

// An observation of `task` captured at `captured_ms` at (lat, lon), in `state`, with an image.
Observation Put(Store& s, const std::string& id, const std::string& task, TimeMs captured_ms,
                double lat, double lon, ObservationState state = ObservationState::kDone) {
  Observation o = MakeObservation(id, task, captured_ms + 1000);
  o.lat = lat;
  o.lon = lon;
  o.state = state;
  EXPECT_TRUE(s.InsertObservation(o, MakeBlob("img-" + id, o)).value());
  return o;
}

CaptureQuery Box(TimeMs from, TimeMs to) {
  CaptureQuery q;
  q.from_ms = from;
  q.to_ms = to;
  q.min_lat = 55.67;
  q.max_lat = 55.68;
  q.min_lon = 12.56;
  q.max_lon = 12.57;
  return q;
}

std::vector<std::string> Ids(const std::vector<Observation>& obs) {
  std::vector<std::string> out;
  for (const auto& o : obs) out.push_back(o.id);
  return out;
}

TEST_P(StoreTest, CaptureSearchFindsOnlyThePlaceAndTheWindow) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("t")).ok());
  Put(*store_, "in-1", "t", kT0, 55.675, 12.565);
  Put(*store_, "in-2", "t", kT0 + 60'000, 55.671, 12.569);
  Put(*store_, "too-late", "t", kT0 + 3'600'000, 55.675, 12.565);
  Put(*store_, "too-early", "t", kT0 - 1, 55.675, 12.565);
  Put(*store_, "elsewhere", "t", kT0, 55.70, 12.565);

  auto found = store_->ObservationsCapturedIn(Box(kT0, kT0 + 600'000));
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(Ids(*found), (std::vector<std::string>{"in-1", "in-2"}));

  CaptureQuery one = Box(kT0, kT0 + 600'000);
  one.limit = 1;
  EXPECT_EQ(Ids(*store_->ObservationsCapturedIn(one)), (std::vector<std::string>{"in-1"}));
}

TEST_P(StoreTest, CaptureSearchPagesByTimeAndIdEvenWhenTimesAreEqual) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("t")).ok());
  for (const char* id : {"c", "a", "d", "b"}) Put(*store_, id, "t", kT0, 55.675, 12.565);
  CaptureQuery q = Box(kT0, kT0 + 1);
  q.limit = 2;
  std::vector<std::string> seen;
  for (int pages = 0; pages < 5; ++pages) {
    auto page = store_->ObservationsCapturedIn(q);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const auto& o : *page) seen.push_back(o.id);
    if (static_cast<int>(page->size()) < q.limit) break;
    q.from_ms = page->back().captured_ms;
    q.after_id = page->back().id;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST_P(StoreTest, ErasingALocationForgetsPositionAndVehicleAndKeepsTheRest) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("t")).ok());
  Observation o = Put(*store_, "o", "t", kT0, 55.675, 12.565);
  ASSERT_TRUE(store_->EraseObservationLocation("o", kT0 + 5000).ok());

  Observation got = store_->GetObservation("o").value();
  EXPECT_EQ(got.location_erased_ms, kT0 + 5000);
  EXPECT_DOUBLE_EQ(got.lat, 0);
  EXPECT_DOUBLE_EQ(got.lon, 0);
  EXPECT_FALSE(got.heading_deg.has_value());
  EXPECT_FALSE(got.speed_kmh.has_value());
  EXPECT_EQ(got.vehicle_id, "");
  EXPECT_EQ(got.captured_ms, o.captured_ms);
  EXPECT_EQ(got.task_id, "t");
  EXPECT_EQ(got.blob_key, o.blob_key);  // the image is the caller's (deleted separately)
  // Not found by place any more; a second erase keeps the first record.
  EXPECT_TRUE(store_->ObservationsCapturedIn(Box(kT0 - 1, kT0 + 1))->empty());
  ASSERT_TRUE(store_->EraseObservationLocation("o", kT0 + 9000).ok());
  EXPECT_EQ(store_->GetObservation("o")->location_erased_ms, kT0 + 5000);
  EXPECT_EQ(store_->EraseObservationLocation("nope", kT0).code(), Code::kNotFound);
}

TEST_P(StoreTest, ALocationIsNotErasedWhileThePipelineWorksOnIt) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("t")).ok());
  Put(*store_, "busy", "t", kT0, 55.675, 12.565, ObservationState::kStored);
  Status st = store_->EraseObservationLocation("busy", kT0 + 1);
  EXPECT_EQ(st.code(), Code::kFailedPrecondition);
  EXPECT_EQ(st.field(), "state");
  EXPECT_DOUBLE_EQ(store_->GetObservation("busy")->lat, 55.675);
}

TEST_P(StoreTest, LocationsDueAreOldFinishedImagelessAndNotHeld) {
  ASSERT_TRUE(store_->CreateTask(MakeTask("t")).ok());
  tasks::Task held = MakeTask("held");
  held.retention.legal_hold = true;
  ASSERT_TRUE(store_->CreateTask(held).ok());
  for (const char* id : {"old", "old-held", "old-with-image", "old-busy", "new"}) {
    const std::string s = id;
    Put(*store_, s, s == "old-held" ? "held" : "t", s == "new" ? kT0 + 100 : kT0, 55.675, 12.565,
        s == "old-busy" ? ObservationState::kAssessed : ObservationState::kDone);
    if (s != "old-with-image") {
      ASSERT_TRUE(store_->MarkBlobDeleted("img-" + s, kT0 + 1, "retention").ok());
    }
  }
  auto due = store_->LocationsDue(kT0 + 50, 0);
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  EXPECT_EQ(*due, (std::vector<std::string>{"old"}));
  ASSERT_TRUE(store_->EraseObservationLocation("old", kT0 + 2).ok());
  EXPECT_TRUE(store_->LocationsDue(kT0 + 50, 0)->empty());
}

}  // namespace
}  // namespace tilsyn::store::testing
