// PermitStore over every backend: put (new vs replaced), get, and the valid-at / near / kind
// filters permit-check tasks use.
#include "store/store.h"
#include "unit/store/store_fixture.h"

namespace tilsyn::store::testing {
namespace {

constexpr TimeMs kDay = 86'400'000;

tasks::Permit MakePermit(const std::string& id, double lat, double lon, TimeMs from, TimeMs to,
                         const std::string& kind = "container") {
  tasks::Permit p;
  p.id = id;
  p.holder = "Holder of " + id;
  p.kind = kind;
  p.area = geo::Geofence::Circle({lat, lon}, 15);
  p.valid_from = from;
  p.valid_to = to;
  p.updated_ms = kT0;
  return p;
}

TEST_P(StoreTest, PermitsArePutReplacedAndFoundByTimePlaceAndKind) {
  PermitStore& permits = store_->permits();
  ASSERT_TRUE(permits.PutPermit(MakePermit("A", 55.6790, 12.5790, kT0, kT0 + 10 * kDay)).value());
  ASSERT_TRUE(
      permits.PutPermit(MakePermit("B", 55.6790, 12.5792, kT0 - 20 * kDay, kT0 - kDay)).value());
  ASSERT_TRUE(permits.PutPermit(MakePermit("C", 55.7000, 12.6000, kT0, kT0 + kDay)).value());
  ASSERT_TRUE(
      permits.PutPermit(MakePermit("D", 55.6790, 12.5790, kT0, kT0 + kDay, "scaffold")).value());
  // A repeat id replaces.
  tasks::Permit a2 = MakePermit("A", 55.6790, 12.5790, kT0, kT0 + 30 * kDay);
  a2.holder = "New holder";
  EXPECT_FALSE(permits.PutPermit(a2).value());
  auto a = permits.GetPermit("A");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->holder, "New holder");
  EXPECT_EQ(a->valid_to, kT0 + 30 * kDay);
  EXPECT_LT(a->area.DistanceM({55.6790, 12.5790}), 0.01);
  EXPECT_EQ(permits.GetPermit("nope").status().code(), Code::kNotFound);

  PermitFilter all;
  EXPECT_EQ(permits.ListPermits(all)->size(), 4u);
  PermitFilter at;
  at.valid_at = kT0 + kDay / 2;
  EXPECT_EQ(permits.ListPermits(at)->size(), 3u);  // A, C, D; B expired
  PermitFilter near;
  near.near = geo::BBox{55.6785, 12.5785, 55.6795, 12.5795};
  auto n = permits.ListPermits(near);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(n->size(), 3u);    // A, B, D; C is kilometres away
  EXPECT_EQ((*n)[0].id, "B");  // ordered by valid_from
  near.kind = "container";
  EXPECT_EQ(permits.ListPermits(near)->size(), 2u);
  Reopen();
  EXPECT_EQ(store_->permits().ListPermits(all)->size(), 4u);
}

}  // namespace
}  // namespace tilsyn::store::testing
