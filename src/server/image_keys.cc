#include "server/image_keys.h"

#include <sys/stat.h>

#include <filesystem>

#include "core/file_util.h"
#include "core/log.h"

namespace tilsyn::server {

std::string DevImageKeyPath(const std::string& data_dir) { return data_dir + "/dev-image.key"; }

Result<store::ImageKeyring> ResolveImageKeyring(const ServerConfig& config) {
  if (!config.image_keys.empty()) {
    return store::ImageKeyring::Parse(config.image_keys, config.image_key_id);
  }
  if (!config.image_key.empty()) {
    return store::ImageKeyring::Single(config.image_key,
                                       config.image_key_id.empty() ? "k1" : config.image_key_id);
  }
  if (!config.dev_generate_key) {
    return Status::FailedPrecondition(
        "no image encryption key is configured: set TILSYN_IMAGE_KEY (32 bytes as 64 hex digits "
        "or base64) or TILSYN_IMAGE_KEYS=id:key,…, or pass --dev-generate-key for a development "
        "key (docs/privacy.md)",
        "image_key");
  }
  // Development only: the key lies beside the database (never inside it, never in images/).
  const std::string path = DevImageKeyPath(config.data_dir);
  TILSYN_RETURN_IF_ERROR(MakeDirs(config.data_dir));
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    if (text.status().code() != Code::kNotFound) return text.status();
    text = "dev:" + store::GenerateImageKeyHex() + "\n";
    TILSYN_RETURN_IF_ERROR(WriteFileAtomic(path, *text));
    ::chmod(path.c_str(), 0600);
    LogWarn("image_key.dev_generated",
            {{"path", path},
             {"note",
              "development key: images are encrypted with a key stored next to the data; "
              "configure TILSYN_IMAGE_KEY in production"}});
  } else {
    LogWarn("image_key.dev_key_in_use", {{"path", path}});
  }
  Result<store::ImageKeyring> ring = store::ImageKeyring::Parse(*text, "");
  if (!ring.ok()) return ring.status().Annotate("development key file " + path);
  return ring;
}

}  // namespace tilsyn::server
