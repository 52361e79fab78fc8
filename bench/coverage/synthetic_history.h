// SyntheticHistory: a generated fleet behind the PositionHistory seam, so the coverage bench runs
// the real coverage code path without storing 432 M fixes. Vehicle v drives a street grid
// (150 m blocks) around its home district in Copenhagen's bounding box, 1 Hz for `hours` a day
// from a start between 06:00 and 08:00 UTC, 20–50 km/h with stops at some intersections, 5 m GPS
// noise. Each vehicle-day is generated on demand from a seed of (vehicle, day), so reads are
// deterministic and thread-safe. With through_codec, every day is encoded and decoded by the
// columnar codec on the way (the cost of reading real day files, minus the disk).
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "coverage/history/position_history.h"
#include "coverage/network/street_network.h"
#include "geo/geofence.h"

namespace tilsyn::bench {

struct FleetSpec {
  int vehicles = 500;
  int days = 30;
  double hours = 8;
  int64_t first_day = 19'787;  // 2024-03-04
  double noise_m = 5;
  bool through_codec = false;
  uint32_t seed = 42;
};

class SyntheticHistory : public coverage::PositionHistory {
 public:
  explicit SyntheticHistory(FleetSpec spec) : spec_(spec) {}
  Status Append(const std::string&, std::span<const coverage::HistoryFix>) override {
    return Status::FailedPrecondition("synthetic history is read-only");
  }
  Result<std::vector<std::string>> Vehicles() const override;
  Result<std::vector<int64_t>> Days(const std::string& vehicle) const override;
  Status ReadDay(const std::string& vehicle, int64_t day,
                 std::vector<coverage::HistoryFix>* out) const override;
  // Bytes the codec produced so far (through_codec only).
  int64_t encoded_bytes() const { return encoded_bytes_.load(); }

 private:
  FleetSpec spec_;
  mutable std::atomic<int64_t> encoded_bytes_{0};
};

// The street grid the fleet drives on.
struct StreetGrid {
  static constexpr double kMinLat = 55.615, kMaxLat = 55.730, kMinLon = 12.450, kMaxLon = 12.650;
  static constexpr double kBlockM = 150;
  static double LatStep();
  static double LonStep();
  static int Rows();
  static int Cols();
};

// `n` sites on the streets: 70% circles (10–50 m), 30% polygons (8–32 vertices, 15–60 m).
std::vector<std::pair<std::string, geo::Geofence>> MakeSites(int n, uint32_t seed);
// The grid's streets as roadway, and a cycle track 8 m beside every third street.
coverage::StreetNetwork MakeNetwork();

}  // namespace tilsyn::bench
