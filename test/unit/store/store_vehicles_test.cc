// Store suite: vehicles and tokens.
#include "store_fixture.h"

namespace tilsyn::store::testing {
namespace {

TEST_P(StoreTest, VehicleRoundTripsAndListsByName) {
  ASSERT_TRUE(store_->CreateVehicle(MakeVehicle("veh-2", "Truck B")).ok());
  ASSERT_TRUE(store_->CreateVehicle(MakeVehicle("veh-1", "Truck A")).ok());
  auto v = store_->GetVehicle("veh-2");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->name, "Truck B");
  EXPECT_EQ(v->kind, "waste_truck");
  EXPECT_EQ(v->lane, "both");
  EXPECT_EQ(v->created_ms, kT0);
  EXPECT_FALSE(v->last_lat.has_value());
  EXPECT_FALSE(v->last_seen_ms.has_value());

  auto all = store_->ListVehicles();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "veh-1");
  EXPECT_EQ((*all)[1].id, "veh-2");
}

TEST_P(StoreTest, DuplicateVehicleIsAlreadyExists) {
  ASSERT_TRUE(store_->CreateVehicle(MakeVehicle("veh-1", "A")).ok());
  Status dup = store_->CreateVehicle(MakeVehicle("veh-1", "B"));
  EXPECT_EQ(dup.code(), Code::kAlreadyExists);
  // The answer may reach an API client: no SQL, table or constraint names (they are logged).
  EXPECT_EQ(dup.message().find("INSERT"), std::string::npos) << dup.message();
  EXPECT_EQ(dup.message().find("vehicles"), std::string::npos) << dup.message();
  EXPECT_EQ(store_->GetVehicle("veh-1")->name, "A");
}

TEST_P(StoreTest, VehiclePositionUpdates) {
  ASSERT_TRUE(store_->CreateVehicle(MakeVehicle("veh-1", "A")).ok());
  ASSERT_TRUE(store_->UpdateVehiclePosition("veh-1", 55.1, 12.2, kT0 + 7).ok());
  auto v = store_->GetVehicle("veh-1");
  ASSERT_TRUE(v.ok());
  EXPECT_DOUBLE_EQ(v->last_lat.value(), 55.1);
  EXPECT_DOUBLE_EQ(v->last_lon.value(), 12.2);
  EXPECT_EQ(v->last_seen_ms.value(), kT0 + 7);
}

TEST_P(StoreTest, AHeartbeatKeepsTheOneBeforeIt) {
  ASSERT_TRUE(store_->CreateVehicle(MakeVehicle("veh-1", "A")).ok());
  EXPECT_EQ(store_->GetVehicle("veh-1")->heartbeat_json, "");
  EXPECT_FALSE(store_->GetVehicle("veh-1")->heartbeat_ms.has_value());
  ASSERT_TRUE(store_->RecordHeartbeat("veh-1", R"({"n":1})", kT0 + 1).ok());
  ASSERT_TRUE(store_->RecordHeartbeat("veh-1", R"({"n":2})", kT0 + 2).ok());
  auto v = store_->GetVehicle("veh-1");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->heartbeat_json, R"({"n":2})");
  EXPECT_EQ(v->prev_heartbeat_json, R"({"n":1})");
  EXPECT_EQ(v->heartbeat_ms.value(), kT0 + 2);
  EXPECT_EQ(store_->ListVehicles()->at(0).heartbeat_json, R"({"n":2})");
  EXPECT_EQ(store_->RecordHeartbeat("x", "{}", kT0).code(), Code::kNotFound);
}

// Location retention for vehicles: a vehicle silent since the cut-off loses its last position
// and the GPS fix of its heartbeats (the rest stays); one seen or heard from since keeps them.
TEST_P(StoreTest, ASilentVehicleLosesItsLastPositionAndFix) {
  const std::string hb = R"({"camera":"ok","fix":{"lat":55.7,"lon":12.5},"outbox_depth":0})";
  for (const char* id : {"old", "heard", "seen", "never"}) {
    ASSERT_TRUE(store_->CreateVehicle(MakeVehicle(id, id)).ok());
  }
  ASSERT_TRUE(store_->UpdateVehiclePosition("old", 55.7, 12.5, kT0).ok());
  ASSERT_TRUE(store_->RecordHeartbeat("old", hb, kT0).ok());
  ASSERT_TRUE(store_->RecordHeartbeat("old", hb, kT0 + 1).ok());
  ASSERT_TRUE(store_->UpdateVehiclePosition("heard", 55.7, 12.5, kT0).ok());
  ASSERT_TRUE(store_->RecordHeartbeat("heard", hb, kT0 + 1000).ok());  // heard from since
  ASSERT_TRUE(store_->UpdateVehiclePosition("seen", 55.7, 12.5, kT0 + 1000).ok());
  const TimeMs cut = kT0 + 500;
  EXPECT_EQ(store_->VehiclePositionsDue(cut).value(), (std::vector<std::string>{"old"}));
  ASSERT_TRUE(store_->EraseVehiclePosition("old", cut).ok());
  Vehicle old = store_->GetVehicle("old").value();
  EXPECT_FALSE(old.last_lat.has_value());
  EXPECT_FALSE(old.last_lon.has_value());
  EXPECT_EQ(old.last_seen_ms.value(), kT0) << "when it was last seen stays";
  EXPECT_EQ(old.heartbeat_json, R"({"camera":"ok","outbox_depth":0})");
  EXPECT_EQ(old.prev_heartbeat_json, R"({"camera":"ok","outbox_depth":0})");
  EXPECT_TRUE(store_->VehiclePositionsDue(cut)->empty()) << "nothing left to erase";
  // One heard from since is left as it is, even when asked.
  ASSERT_TRUE(store_->EraseVehiclePosition("heard", cut).ok());
  EXPECT_TRUE(store_->GetVehicle("heard")->last_lat.has_value());
  EXPECT_EQ(store_->EraseVehiclePosition("nobody", cut).code(), Code::kNotFound);
}

TEST_P(StoreTest, AgentSettingsGetTheNextVersion) {
  EXPECT_FALSE(store_->CurrentAgentSettings().value().has_value());
  EXPECT_EQ(store_->PutAgentSettings({0, R"({"jpeg_quality":80})", kT0, "alice"}).value(), 1);
  EXPECT_EQ(store_->PutAgentSettings({0, R"({"jpeg_quality":70})", kT0 + 5, "bob"}).value(), 2);
  auto current = store_->CurrentAgentSettings();
  ASSERT_TRUE(current.ok() && current->has_value());
  EXPECT_EQ((*current)->version, 2);
  EXPECT_EQ((*current)->json, R"({"jpeg_quality":70})");
  EXPECT_EQ((*current)->created_ms, kT0 + 5);
  EXPECT_EQ((*current)->created_by, "bob");
}

TEST_P(StoreTest, UnknownVehicleIsNotFound) {
  EXPECT_EQ(store_->GetVehicle("x").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->UpdateVehiclePosition("x", 1, 2, 3).code(), Code::kNotFound);
}

TEST_P(StoreTest, TokensAreFoundByHashAndCounted) {
  EXPECT_EQ(store_->CountTokens().value(), 0);
  ASSERT_TRUE(store_->PutToken({"hash-a", Role::kAdmin, "root", kT0}).ok());
  ASSERT_TRUE(store_->PutToken({"hash-v", Role::kVehicle, "veh-1", kT0 + 1}).ok());
  EXPECT_EQ(store_->CountTokens().value(), 2);
  auto t = store_->GetTokenByHash("hash-v");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->role, Role::kVehicle);
  EXPECT_EQ(t->subject, "veh-1");
  EXPECT_EQ(t->created_ms, kT0 + 1);
  EXPECT_EQ(store_->GetTokenByHash("hash-x").status().code(), Code::kNotFound);
}

TEST_P(StoreTest, PutTokenReplacesTheSameHash) {
  ASSERT_TRUE(store_->PutToken({"hash-a", Role::kInspector, "bob", kT0}).ok());
  ASSERT_TRUE(store_->PutToken({"hash-a", Role::kDpo, "carol", kT0 + 1}).ok());
  EXPECT_EQ(store_->CountTokens().value(), 1);
  EXPECT_EQ(store_->GetTokenByHash("hash-a")->role, Role::kDpo);
  EXPECT_EQ(store_->GetTokenByHash("hash-a")->subject, "carol");
}

}  // namespace
}  // namespace tilsyn::store::testing
