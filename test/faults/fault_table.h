// The fault matrix's table (`make faults`): each scenario records one row per fault — trials,
// what was lost, assessments made twice, webhook deliveries repeated without a recorded attempt,
// and how long recovery took — and the runner prints them with a last summary line
// `faults: trials=N lost=0 dup_assessments=0 dup_deliveries_unrecorded=0`. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace tilsyn::testing {

struct FaultRow {
  std::string fault;
  int trials = 0;
  int64_t lost = 0;
  int64_t dup_assessments = 0;
  int64_t dup_deliveries_unrecorded = 0;
  double recovery_s = 0;  // after the fault ends: until everything is delivered and assessed
  std::string note;       // what "trial" and "recovery" mean for this fault, figures
};

void RecordFault(FaultRow row);
// The table so far and the summary line.
std::string FaultReport();

}  // namespace tilsyn::testing
