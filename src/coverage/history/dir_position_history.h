// DirPositionHistory: the embedded PositionHistory — one file per vehicle and UTC day,
// `<root>/<vehicle>/<YYYY-MM-DD>.tlh`, in the columnar codec (columnar_codec.h). Vehicle names are
// escaped to [A-Za-z0-9._-] (other bytes as %XX). Files are replaced atomically. ReadDay is
// thread-safe; Append must not run concurrently with itself for the same vehicle.
#pragma once

#include <string>

#include "coverage/history/position_history.h"

namespace tilsyn::coverage {

class DirPositionHistory : public PositionHistory {
 public:
  explicit DirPositionHistory(std::string root) : root_(std::move(root)) {}

  Status Append(const std::string& vehicle, std::span<const HistoryFix> fixes) override;
  Result<std::vector<std::string>> Vehicles() const override;
  Result<std::vector<int64_t>> Days(const std::string& vehicle) const override;
  Status ReadDay(const std::string& vehicle, int64_t day,
                 std::vector<HistoryFix>* out) const override;
  Status DeleteDay(const std::string& vehicle, int64_t day) override;

  // Bytes on disk (all day files), for reports.
  int64_t DiskBytes() const;
  const std::string& root() const { return root_; }

 private:
  std::string DayPath(const std::string& vehicle, int64_t day) const;
  std::string root_;
};

// "2024-03-05" for a day number, and back (nullopt-like error on bad input).
std::string DayToString(int64_t day);
Result<int64_t> DayFromString(std::string_view s);
std::string EscapeVehicle(std::string_view v);
std::string UnescapeVehicle(std::string_view v);

}  // namespace tilsyn::coverage
