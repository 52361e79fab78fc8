// An http-json recognizer's answer: detections found by JSON pointers, boxes read in every
// format a service may use. Never a crash; every box read is inside a sane range.
#include "fuzz/fuzz_util.h"
#include "recognition/remote/codec.h"
#include "recognition/remote/common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tilsyn;
  Result<Json> doc = ParseJson(fuzz::Text(data, size));
  if (!doc.ok()) return 0;
  const Json* list = recognition::remote::AtPointer(*doc, "/detections");
  if (list == nullptr || !list->is_array()) return 0;
  for (const Json& e : *list) {
    (void)recognition::remote::AtPointer(e, "/label");
    (void)recognition::remote::AtPointer(e, "/score");
    const Json* box = recognition::remote::AtPointer(e, "/box");
    if (box == nullptr) continue;
    for (const char* format : {"xywh", "xyxy", "object", "xyxy-normalized"}) {
      (void)recognition::remote::ReadBox(*box, format, 640, 480);
    }
  }
  return 0;
}
