#include "store/encrypted_blob_store.h"

#include "core/crypto.h"

namespace tilsyn::store {
namespace {

constexpr unsigned char kVersion = 1;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

std::string Header(const std::string& key_id, std::string_view nonce) {
  std::string h(kEncryptedBlobMagic);
  h.push_back(static_cast<char>(kVersion));
  h.push_back(static_cast<char>(key_id.size()));
  h += key_id;
  h += nonce;
  return h;
}

struct Parsed {
  std::string key_id;
  std::string_view header;  // magic .. nonce (authenticated)
  std::string_view nonce, ciphertext, tag;
};

Result<Parsed> Parse(std::string_view stored) {
  if (stored.substr(0, kEncryptedBlobMagic.size()) != kEncryptedBlobMagic) {
    return Status::FailedPrecondition("the stored image is not encrypted (no TLSYNENC header)");
  }
  size_t p = kEncryptedBlobMagic.size();
  if (stored.size() < p + 2) return Status::Internal("encrypted image is truncated");
  if (static_cast<unsigned char>(stored[p]) != kVersion) {
    return Status::FailedPrecondition("unknown encrypted image version");
  }
  const size_t id_len = static_cast<unsigned char>(stored[p + 1]);
  p += 2;
  if (stored.size() < p + id_len + kNonceBytes + kTagBytes) {
    return Status::Internal("encrypted image is truncated");
  }
  Parsed out;
  out.key_id = std::string(stored.substr(p, id_len));
  p += id_len;
  out.nonce = stored.substr(p, kNonceBytes);
  p += kNonceBytes;
  out.header = stored.substr(0, p);
  out.ciphertext = stored.substr(p, stored.size() - p - kTagBytes);
  out.tag = stored.substr(stored.size() - kTagBytes);
  return out;
}

class EncryptedBlobStore : public BlobStore {
 public:
  EncryptedBlobStore(std::unique_ptr<BlobStore> inner, ImageKeyring ring)
      : inner_(std::move(inner)), ring_(std::move(ring)) {}

  Status Put(const std::string& key, std::string_view data) override {
    TILSYN_ASSIGN_OR_RETURN(std::string sealed, EncryptImage(data, ring_, key));
    return inner_->Put(key, sealed);
  }
  Result<std::string> Get(const std::string& key) override {
    TILSYN_ASSIGN_OR_RETURN(std::string stored, inner_->Get(key));
    Result<std::string> plain = DecryptImage(stored, ring_, key);
    if (!plain.ok()) return plain.status().Annotate("image " + key);
    return plain;
  }
  Status Delete(const std::string& key) override { return inner_->Delete(key); }
  bool Exists(const std::string& key) override { return inner_->Exists(key); }
  Result<std::vector<std::string>> Keys() override { return inner_->Keys(); }

 private:
  std::unique_ptr<BlobStore> inner_;
  ImageKeyring ring_;
};

}  // namespace

Result<std::string> EncryptImage(std::string_view plaintext, const ImageKeyring& ring,
                                 const std::string& blob_key) {
  const std::string nonce = RandomBytes(kNonceBytes);
  const std::string header = Header(ring.current_id(), nonce);
  // The header and the blob key are authenticated: a file moved to another key fails.
  TILSYN_ASSIGN_OR_RETURN(std::string sealed,
                          AesGcmEncrypt(ring.current_key(), nonce, header + blob_key, plaintext));
  return header + sealed;
}

Result<std::string> DecryptImage(std::string_view stored, const ImageKeyring& ring,
                                 const std::string& blob_key) {
  TILSYN_ASSIGN_OR_RETURN(Parsed p, Parse(stored));
  const std::string* key = ring.Find(p.key_id);
  if (!key) {
    return Status::FailedPrecondition("the image was encrypted with key id '" + p.key_id +
                                      "', which is not in the keyring");
  }
  const std::string sealed = std::string(p.ciphertext) + std::string(p.tag);
  Result<std::string> out = AesGcmDecrypt(*key, p.nonce, std::string(p.header) + blob_key, sealed);
  if (!out.ok()) {
    return Status::Internal("image authentication failed under key id '" + p.key_id +
                            "': the file was altered or the key is wrong");
  }
  return out;
}

Result<std::string> EncryptedKeyId(std::string_view stored) {
  TILSYN_ASSIGN_OR_RETURN(Parsed p, Parse(stored));
  return p.key_id;
}

std::unique_ptr<BlobStore> NewEncryptedBlobStore(std::unique_ptr<BlobStore> inner,
                                                 ImageKeyring keyring) {
  return std::make_unique<EncryptedBlobStore>(std::move(inner), std::move(keyring));
}

Result<RotationReport> RotateImageKeys(BlobStore& raw, const ImageKeyring& ring) {
  TILSYN_ASSIGN_OR_RETURN(std::vector<std::string> keys, raw.Keys());
  RotationReport rep;
  auto fail = [&](const std::string& key, const Status& st) {
    ++rep.failed;
    rep.errors.push_back(key + ": " + st.message());
  };
  for (const std::string& key : keys) {
    Result<std::string> stored = raw.Get(key);
    if (!stored.ok()) {
      fail(key, stored.status());
      continue;
    }
    std::string plain;
    bool was_plain = false;
    Result<std::string> id = EncryptedKeyId(*stored);
    if (!id.ok()) {
      was_plain = true;  // written before encryption at rest
      plain = std::move(*stored);
    } else if (*id == ring.current_id()) {
      ++rep.unchanged;
      continue;
    } else {
      Result<std::string> dec = DecryptImage(*stored, ring, key);
      if (!dec.ok()) {
        fail(key, dec.status());
        continue;
      }
      plain = std::move(*dec);
    }
    Result<std::string> sealed = EncryptImage(plain, ring, key);
    Status put = sealed.ok() ? raw.Put(key, *sealed) : sealed.status();
    if (!put.ok()) {
      fail(key, put);
      continue;
    }
    ++(was_plain ? rep.encrypted : rep.rewritten);
  }
  return rep;
}

}  // namespace tilsyn::store
