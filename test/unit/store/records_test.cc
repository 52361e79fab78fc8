#include "store/records.h"

#include <gtest/gtest.h>

namespace tilsyn::store {
namespace {

TEST(Records, RoleNamesRoundTrip) {
  for (Role r : {Role::kAdmin, Role::kInspector, Role::kDpo, Role::kVehicle}) {
    EXPECT_EQ(ParseRole(ToString(r)), r);
  }
  EXPECT_EQ(ToString(Role::kDpo), "dpo");
  EXPECT_EQ(ParseRole("Admin"), std::nullopt);
  EXPECT_EQ(ParseRole(""), std::nullopt);
}

TEST(Records, ObservationStateNamesRoundTrip) {
  for (ObservationState s : {ObservationState::kReceived, ObservationState::kStored,
                             ObservationState::kAssessed,
                             ObservationState::kDone, ObservationState::kFailed}) {
    EXPECT_EQ(ParseObservationState(ToString(s)), s);
  }
  EXPECT_EQ(ToString(ObservationState::kAssessed), "assessed");
  EXPECT_EQ(ParseObservationState("deleted"), std::nullopt);
}

TEST(Records, ActionStatusNamesRoundTrip) {
  for (ActionStatus s : {ActionStatus::kPending, ActionStatus::kSucceeded, ActionStatus::kFailed}) {
    EXPECT_EQ(ParseActionStatus(ToString(s)), s);
  }
  EXPECT_EQ(ToString(ActionStatus::kSucceeded), "succeeded");
  EXPECT_EQ(ParseActionStatus("success"), std::nullopt);
}

}  // namespace
}  // namespace tilsyn::store
