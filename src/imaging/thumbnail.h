// A smaller copy of a stored (already anonymized) JPEG, for lists: the same pixels scaled down,
// re-encoded without metadata. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace tilsyn::imaging {

// The image scaled to at most `max_width` pixels wide (aspect kept; an image already that narrow
// is re-encoded unscaled). UnsupportedMedia (field "image") when `jpeg` does not decode;
// InvalidArgument (field "width") when `max_width` < 16.
Result<std::string> Thumbnail(std::string_view jpeg, int max_width);

}  // namespace tilsyn::imaging
