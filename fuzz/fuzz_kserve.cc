// A KServe v2 / Open Inference Protocol response from a remote recognizer: JSON tensors or the
// binary extension (the first two bytes give the JSON header's length). Never a crash; every
// tensor's elements decode or are refused.
#include "fuzz/fuzz_util.h"
#include "recognition/remote/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tilsyn;
  if (size < 2) return 0;
  const size_t n = (static_cast<size_t>(data[0]) << 8) | data[1];
  std::optional<size_t> json_size;
  if (n != 0xffff) json_size = n;
  auto decoded = recognition::remote::DecodeTensors(fuzz::Text(data + 2, size - 2), json_size, "outputs");
  if (!decoded.ok()) return 0;
  for (const auto& t : decoded->second) {
    (void)recognition::remote::BytesElements(t);
    (void)recognition::remote::NumericElements(t);
  }
  return 0;
}
