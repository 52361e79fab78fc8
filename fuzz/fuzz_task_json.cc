// Task JSON as an inspector's client sends it: parsing never crashes, and every task it accepts
// survives a round trip through its own JSON (what the API returns can be sent back).
#include "fuzz/fuzz_util.h"
#include "tasks/task_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tilsyn;
  Result<Json> j = ParseJson(fuzz::Text(data, size));
  if (!j.ok()) return 0;
  Result<tasks::Task> t = tasks::TaskFromJson(*j);
  if (!t.ok()) return 0;
  const Json back = tasks::TaskToJson(*t, /*include_secrets=*/true);
  Result<tasks::Task> again = tasks::TaskFromJson(back);
  fuzz::Require(again.ok(), "an accepted task is accepted again from its own JSON");
  fuzz::Require(tasks::TaskToJson(*again, true) == back, "the round trip is stable");
  return 0;
}
