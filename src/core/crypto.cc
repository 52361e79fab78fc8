#include "core/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cctype>
#include <memory>
#include <stdexcept>
#include <vector>

namespace tilsyn {
namespace {

std::string ToHex(const unsigned char* p, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 15];
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

const unsigned char* U(const char* p) { return reinterpret_cast<const unsigned char*>(p); }
unsigned char* U(char* p) { return reinterpret_cast<unsigned char*>(p); }

}  // namespace

std::string Base64Encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("EVP_Digest failed");
  }
  return ToHex(md, len);
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len)) {
    throw std::runtime_error("HMAC failed");
  }
  return ToHex(md, len);
}

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> b(bytes);
  if (RAND_bytes(b.data(), static_cast<int>(bytes)) != 1) throw std::runtime_error("RAND_bytes");
  return ToHex(b.data(), bytes);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(U(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return out;
}

Result<std::string> DecodeKey256(std::string_view text, const std::string& field,
                                 std::string_view what) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.size() == 64) {
    std::string out(32, '\0');
    bool ok = true;
    for (size_t i = 0; i < 32 && ok; ++i) {
      const int hi = HexValue(text[2 * i]), lo = HexValue(text[2 * i + 1]);
      ok = hi >= 0 && lo >= 0;
      out[i] = static_cast<char>((hi << 4) | (lo & 15));
    }
    if (ok) return out;
  }
  if (text.size() == 44 && text[43] == '=' && text[42] != '=') {
    unsigned char buf[48];
    const int n = EVP_DecodeBlock(buf, U(text.data()), static_cast<int>(text.size()));
    // EVP_DecodeBlock counts the padding as zero bytes: 44 chars with one '=' -> 33 -> 32 real.
    if (n == 33) return std::string(reinterpret_cast<const char*>(buf), 32);
  }
  return Status::InvalidArgument(
      std::string(what) + " must be 32 bytes as 64 hex digits or 44 base64 characters", field);
}

Result<std::string> AesGcmEncrypt(std::string_view key, std::string_view nonce,
                                  std::string_view aad, std::string_view plaintext) {
  if (key.size() != 32 || nonce.size() != kGcmNonceBytes) {
    return Status::Internal("AES-256-GCM needs a 32-byte key and a 12-byte nonce");
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string out(plaintext.size() + kGcmTagBytes, '\0');
  unsigned char* ct = U(out.data());
  int len = 0, written = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kGcmNonceBytes, nullptr) == 1 &&
            EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, U(key.data()), U(nonce.data())) == 1 &&
            (aad.empty() ||
             EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(aad.data()), static_cast<int>(aad.size())) == 1) &&
            EVP_EncryptUpdate(ctx.get(), ct, &len, U(plaintext.data()), static_cast<int>(plaintext.size())) == 1;
  written = len;
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), ct + written, &len) == 1;
  written += len;
  ok = ok && static_cast<size_t>(written) == plaintext.size() &&
       EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kGcmTagBytes, ct + written) == 1;
  if (!ok) return Status::Internal("AES-256-GCM encryption failed");
  return out;
}

Result<std::string> AesGcmDecrypt(std::string_view key, std::string_view nonce,
                                  std::string_view aad, std::string_view sealed) {
  if (key.size() != 32 || nonce.size() != kGcmNonceBytes || sealed.size() < kGcmTagBytes) {
    return Status::Internal("AES-256-GCM: bad key, nonce or ciphertext size");
  }
  const std::string_view ciphertext = sealed.substr(0, sealed.size() - kGcmTagBytes);
  std::string tag(sealed.substr(sealed.size() - kGcmTagBytes));
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string out(ciphertext.size(), '\0');
  int len = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kGcmNonceBytes, nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, U(key.data()), U(nonce.data())) == 1 &&
            (aad.empty() ||
             EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(aad.data()), static_cast<int>(aad.size())) == 1) &&
            EVP_DecryptUpdate(ctx.get(), U(out.data()), &len, U(ciphertext.data()), static_cast<int>(ciphertext.size())) == 1;
  const int written = len;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kGcmTagBytes, tag.data()) == 1;
  ok = ok && EVP_DecryptFinal_ex(ctx.get(), U(out.data()) + written, &len) == 1;
  if (!ok) return Status::Internal("authentication failed: the data was altered or the key is wrong");
  out.resize(static_cast<size_t>(written + len));
  return out;
}

}  // namespace tilsyn
