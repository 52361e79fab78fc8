#include "store/image_keyring.h"

#include "core/crypto.h"

namespace tilsyn::store {
namespace {

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::string> DecodeImageKey(std::string_view text, const std::string& field) {
  return DecodeKey256(text, field, "an image key");
}

Status ImageKeyring::Add(const std::string& id, std::string raw_key) {
  if (!ValidId(id)) return Status::InvalidArgument("key id must be [A-Za-z0-9_-]{1,32}", "image_keys");
  if (keys_.count(id)) return Status::InvalidArgument("key id '" + id + "' is listed twice", "image_keys");
  keys_[id] = std::move(raw_key);
  return Status::Ok();
}

Result<ImageKeyring> ImageKeyring::Parse(std::string_view keys, std::string_view current_id) {
  ImageKeyring ring;
  std::string last;
  size_t pos = 0;
  while (pos <= keys.size()) {
    size_t comma = keys.find(',', pos);
    std::string_view item = Trim(keys.substr(pos, comma == std::string_view::npos ? keys.npos : comma - pos));
    if (!item.empty()) {
      size_t colon = item.find(':');
      if (colon == std::string_view::npos) {
        return Status::InvalidArgument("each entry must be id:key", "image_keys");
      }
      std::string id(Trim(item.substr(0, colon)));
      TILSYN_ASSIGN_OR_RETURN(std::string raw, DecodeImageKey(item.substr(colon + 1), "image_keys"));
      TILSYN_RETURN_IF_ERROR(ring.Add(id, std::move(raw)));
      last = id;
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  if (ring.keys_.empty()) return Status::InvalidArgument("no keys listed", "image_keys");
  ring.current_id_ = current_id.empty() ? last : std::string(current_id);
  if (!ring.keys_.count(ring.current_id_)) {
    return Status::InvalidArgument("current key id '" + ring.current_id_ + "' is not in the keyring",
                                   "image_key_id");
  }
  return ring;
}

Result<ImageKeyring> ImageKeyring::Single(std::string_view key, std::string_view id) {
  ImageKeyring ring;
  TILSYN_ASSIGN_OR_RETURN(std::string raw, DecodeImageKey(key, "image_key"));
  TILSYN_RETURN_IF_ERROR(ring.Add(std::string(id), std::move(raw)));
  ring.current_id_ = std::string(id);
  return ring;
}

const std::string* ImageKeyring::Find(const std::string& id) const {
  auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : &it->second;
}

std::vector<std::string> ImageKeyring::ids() const {
  std::vector<std::string> out;
  for (const auto& [id, k] : keys_) out.push_back(id);
  return out;
}

std::string GenerateImageKeyHex() { return RandomHex(32); }

}  // namespace tilsyn::store
