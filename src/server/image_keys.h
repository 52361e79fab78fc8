// Turns a ServerConfig's key settings into the ImageKeyring that encrypts images at rest
// (invariant 6). Order: image_keys (a keyring), then image_key (one key), then — only with
// dev_generate_key — a development key kept in <data_dir>/dev-image.key (mode 0600, created on
// first use, reused after a restart, with a warning in the log). Without any of them the server
// must not start. Thread-compatible.
#pragma once

#include <string>

#include "core/result.h"
#include "server/config.h"
#include "store/image_keyring.h"

namespace tilsyn::server {

// FailedPrecondition (field "image_key") when no key is configured and dev keys are not allowed;
// InvalidArgument naming the setting when a key is malformed.
Result<store::ImageKeyring> ResolveImageKeyring(const ServerConfig& config);

// Where a development key lives for `data_dir`.
std::string DevImageKeyPath(const std::string& data_dir);

}  // namespace tilsyn::server
