// MemoryPositionHistory: a PositionHistory held in memory (tests, small imports, and the seam's
// reference behaviour). Append merges and sorts like the directory store. Thread-safe.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>

#include "coverage/history/position_history.h"

namespace tilsyn::coverage {

class MemoryPositionHistory : public PositionHistory {
 public:
  Status Append(const std::string& vehicle, std::span<const HistoryFix> fixes) override {
    std::lock_guard lock(mu_);
    for (const auto& f : fixes) {
      auto& day = data_[vehicle][DayOf(f.time)];
      day.insert(day.begin(), f);  // new first: wins the dedupe below
    }
    for (auto& [d, v] : data_[vehicle]) {
      std::stable_sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.time < b.time; });
      v.erase(std::unique(v.begin(), v.end(), [](auto& a, auto& b) { return a.time == b.time; }),
              v.end());
    }
    return Status::Ok();
  }
  Result<std::vector<std::string>> Vehicles() const override {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& [v, days] : data_) out.push_back(v);
    return out;
  }
  Result<std::vector<int64_t>> Days(const std::string& vehicle) const override {
    std::lock_guard lock(mu_);
    std::vector<int64_t> out;
    auto it = data_.find(vehicle);
    if (it != data_.end())
      for (const auto& [d, f] : it->second) out.push_back(d);
    return out;
  }
  Status ReadDay(const std::string& vehicle, int64_t day,
                 std::vector<HistoryFix>* out) const override {
    std::lock_guard lock(mu_);
    out->clear();
    auto it = data_.find(vehicle);
    if (it == data_.end() || !it->second.count(day)) return Status::NotFound("no such vehicle-day");
    *out = it->second.at(day);
    return Status::Ok();
  }

  Status DeleteDay(const std::string& vehicle, int64_t day) override {
    std::lock_guard lock(mu_);
    auto it = data_.find(vehicle);
    if (it == data_.end()) return Status::Ok();
    it->second.erase(day);
    if (it->second.empty()) data_.erase(it);
    return Status::Ok();
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<int64_t, std::vector<HistoryFix>>> data_;
};

}  // namespace tilsyn::coverage
