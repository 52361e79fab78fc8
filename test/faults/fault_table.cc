#include "fault_table.h"

#include <cstdio>
#include <mutex>
#include <vector>

namespace tilsyn::testing {
namespace {

std::mutex mu;
std::vector<FaultRow>& Rows() {
  static std::vector<FaultRow> rows;
  return rows;
}

}  // namespace

void RecordFault(FaultRow row) {
  std::lock_guard<std::mutex> l(mu);
  Rows().push_back(std::move(row));
}

std::string FaultReport() {
  std::lock_guard<std::mutex> l(mu);
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-44s %7s %5s %8s %9s %10s  %s\n", "fault", "trials", "lost",
                "dup_ass", "dup_deliv", "recovery_s", "note");
  out += line;
  int trials = 0;
  int64_t lost = 0, dup_assessments = 0, dup_deliveries = 0;
  for (const FaultRow& r : Rows()) {
    std::snprintf(
        line, sizeof line, "%-44s %7d %5lld %8lld %9lld %10.1f  %s\n", r.fault.c_str(), r.trials,
        static_cast<long long>(r.lost), static_cast<long long>(r.dup_assessments),
        static_cast<long long>(r.dup_deliveries_unrecorded), r.recovery_s, r.note.c_str());
    out += line;
    trials += r.trials;
    lost += r.lost;
    dup_assessments += r.dup_assessments;
    dup_deliveries += r.dup_deliveries_unrecorded;
  }
  std::snprintf(line, sizeof line,
                "faults: trials=%d lost=%lld dup_assessments=%lld dup_deliveries_unrecorded=%lld\n",
                trials, static_cast<long long>(lost), static_cast<long long>(dup_assessments),
                static_cast<long long>(dup_deliveries));
  out += line;
  return out;
}

}  // namespace tilsyn::testing
