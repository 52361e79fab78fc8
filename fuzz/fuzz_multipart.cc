// multipart/form-data upload bodies (a vehicle's observation): the first line is the
// Content-Type header, the rest the body. Never a crash; every part lies inside the body.
#include "fuzz/fuzz_util.h"
#include "net/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tilsyn;
  const std::string_view in = fuzz::Text(data, size);
  const size_t nl = in.find('\n');
  if (nl == std::string_view::npos) return 0;
  const std::string content_type(in.substr(0, nl));
  const std::string_view body = in.substr(nl + 1);
  auto parts = net::ParseMultipart(body, content_type);
  if (!parts.ok()) return 0;
  size_t total = 0;
  for (const net::MultipartPart& p : *parts) total += p.data.size();
  fuzz::Require(total <= body.size(), "the parts' data comes from the body");
  return 0;
}
