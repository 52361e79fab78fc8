// `tilsyn import permits` (CSV with mapped columns, or GeoJSON): never a crash; every permit
// accepted has an id and a validity period that ends after it starts.
#include "fuzz/fuzz_util.h"
#include "tasks/permit_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tilsyn;
  static const tasks::PermitColumns kColumns = tasks::ParsePermitColumns("").value();
  auto r = tasks::ParsePermits(fuzz::Text(data, size), "fuzz", kColumns);
  if (!r.ok()) return 0;
  for (const tasks::Permit& p : r->permits) {
    fuzz::Require(!p.id.empty(), "a permit has an id");
    fuzz::Require(p.valid_to > p.valid_from, "a permit ends after it starts");
  }
  return 0;
}
