// `tilsyn anonymize IN OUT`: anonymizes one image file, or every image of a folder (recursively,
// .jpg/.jpeg/.png/.bmp), and writes metadata-free JPEGs (OUT is a file for a file, a folder for a
// folder; names keep their relative path with a .jpg extension). Prints one JSON report per image
// on stdout ({"image", "counts", "detectors", "ms", …}) and progress on stderr for folders.
// Original pixels are only ever held in memory.
#pragma once

#include <string>
#include <vector>

#include "imaging/anonymizer.h"

namespace tilsyn::imaging {

struct AnonymizeFlags {
  std::string in, out;
  AnonymizerOptions options;  // --models, --manifest, --blur, --detectors, …
  int quality = 90;
};

// Exit code: 0 ok, 1 an image failed, 2 bad arguments.
int RunAnonymize(const AnonymizeFlags& f);

}  // namespace tilsyn::imaging
