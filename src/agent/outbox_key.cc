#include "agent/outbox_key.h"

#include <sys/stat.h>

#include "core/crypto.h"
#include "core/file_util.h"
#include "core/log.h"

namespace tilsyn::agent {

Result<std::string> ResolveOutboxKey(const AgentConfig& config) {
  if (!config.outbox_key.empty()) {
    return DecodeKey256(config.outbox_key, "outbox_key", "the outbox key");
  }
  const bool named = !config.outbox_key_file.empty();
  const std::string path = named ? config.outbox_key_file : config.data_dir + "/outbox.key";
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (named) return Status::NotFound("the outbox key file does not exist", "outbox_key_file");
    TILSYN_RETURN_IF_ERROR(MakeDirs(config.data_dir));
    // WriteFileAtomic creates the file with mode 0600.
    TILSYN_RETURN_IF_ERROR(WriteFileAtomic(path, RandomHex(32) + "\n"));
    LogWarn("agent.outbox_key_generated",
            {{"path", path},
             {"note",
              "the outbox key lies beside the outbox; set TILSYN_OUTBOX_KEY or "
              "outbox_key_file on another volume in production"}});
  } else if ((st.st_mode & 077) != 0) {
    return Status::FailedPrecondition(
        "the outbox key file must be readable by the agent only (chmod 600)", "outbox_key_file");
  }
  TILSYN_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return DecodeKey256(text, "outbox_key_file", "the outbox key");
}

}  // namespace tilsyn::agent
