#include "server/password.h"

#include <sodium.h>

#include <chrono>
#include <semaphore>

namespace tilsyn::server {
namespace {

// Each hash takes 64 MiB for its duration: a burst of logins on every connection thread must not
// take gigabytes. At most this many run at once; the others wait their turn.
std::counting_semaphore<4>& HashSlots() {
  static std::counting_semaphore<4> slots(4);
  return slots;
}

class HashSlot {
 public:
  HashSlot() : held_(HashSlots().try_acquire_for(std::chrono::seconds(5))) {}
  ~HashSlot() {
    if (held_) HashSlots().release();
  }
  HashSlot(const HashSlot&) = delete;
  HashSlot& operator=(const HashSlot&) = delete;
  bool held() const { return held_; }

 private:
  bool held_;
};

Status Busy() { return Status::Unavailable("too many logins at once; try again in a moment"); }

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// A hash of a random password, checked against when the user is unknown (made once, outside the
// slots: a static initialiser must not fail for want of one).
const std::string& DecoyHash() {
  static const std::string decoy = [] {
    char buf[crypto_pwhash_STRBYTES];
    unsigned char random[16];
    randombytes_buf(random, sizeof random);
    if (crypto_pwhash_str_alg(buf, reinterpret_cast<const char*>(random), sizeof random,
                              crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
      return std::string();
    }
    return std::string(buf);
  }();
  return decoy;
}

}  // namespace

Status CheckPasswordPolicy(std::string_view password) {
  if (password.size() < kMinPasswordLength) {
    return Status::InvalidArgument(
        "the password must have at least " + std::to_string(kMinPasswordLength) + " characters",
        "password");
  }
  if (password.size() > kMaxPasswordLength) {
    return Status::InvalidArgument("the password is too long", "password");
  }
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password) {
  TILSYN_RETURN_IF_ERROR(CheckPasswordPolicy(password));
  if (!SodiumReady()) return Status::Internal("libsodium could not be initialised");
  char buf[crypto_pwhash_STRBYTES];
  HashSlot slot;
  if (!slot.held()) return Busy();
  if (crypto_pwhash_str_alg(buf, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Unavailable("not enough memory to hash the password");
  }
  return std::string(buf);
}

Result<bool> VerifyPassword(const std::string& hash, std::string_view password) {
  if (!SodiumReady() || password.size() > kMaxPasswordLength) return false;
  const std::string& against = hash.empty() ? DecoyHash() : hash;
  if (against.empty()) return Busy();
  HashSlot slot;
  if (!slot.held()) return Busy();
  const bool match =
      crypto_pwhash_str_verify(against.c_str(), password.data(), password.size()) == 0;
  return match && !hash.empty();
}

}  // namespace tilsyn::server
