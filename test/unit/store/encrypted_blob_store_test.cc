// EncryptedBlobStore (invariant 6): round trips, what lies on disk, tampering, wrong and rotated
// keys, and the keyring's parsing.
#include "store/encrypted_blob_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/file_util.h"
#include "fakes/memory_blob_store.h"
#include "fakes/test_paths.h"

namespace tilsyn::store {
namespace {

const std::string kHexA(64, 'a');
const std::string kHexB = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
// base64 of 32 bytes 0x00..0x1f
const std::string kB64B = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

// A JPEG-looking payload with a marker string that must never be found on disk.
std::string FakeJpeg() {
  return std::string("\xFF\xD8\xFF\xE0", 4) + "JFIF plaintext-marker-0123456789" +
         std::string(1000, 'x') + "\xFF\xD9";
}

ImageKeyring Ring(const std::string& spec, const std::string& current = "") {
  auto r = ImageKeyring::Parse(spec, current);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return *r;
}

TEST(ImageKeyring, AcceptsHexAndBase64AndTheSameKeyDecodesEqually) {
  auto hex = DecodeImageKey(kHexB, "k");
  auto b64 = DecodeImageKey(kB64B, "k");
  ASSERT_TRUE(hex.ok() && b64.ok());
  EXPECT_EQ(*hex, *b64);
  EXPECT_EQ(hex->size(), 32u);
}

TEST(ImageKeyring, RejectsShortOrMalformedKeysWithoutEchoingThem) {
  for (std::string bad : {std::string(62, 'a'), std::string(64, 'g'), std::string("short"),
                          kB64B.substr(0, 40)}) {
    auto k = DecodeImageKey(bad, "image_key");
    ASSERT_FALSE(k.ok()) << bad;
    EXPECT_EQ(k.status().field(), "image_key");
    EXPECT_EQ(k.status().message().find(bad), std::string::npos);
  }
}

TEST(ImageKeyring, ParsesAListAndPicksTheCurrentKey) {
  ImageKeyring r = Ring("old:" + kHexA + ", new:" + kB64B);
  EXPECT_EQ(r.current_id(), "new");  // the last listed
  EXPECT_EQ(Ring("old:" + kHexA + ",new:" + kB64B, "old").current_id(), "old");
  EXPECT_FALSE(ImageKeyring::Parse("old:" + kHexA, "missing").ok());
  EXPECT_FALSE(ImageKeyring::Parse("a:" + kHexA + ",a:" + kHexB, "").ok());
  EXPECT_FALSE(ImageKeyring::Parse("nokey", "").ok());
  EXPECT_FALSE(ImageKeyring::Parse("", "").ok());
}

TEST(EncryptedBlobStore, RoundTripsAndNeverStoresPlaintext) {
  ::tilsyn::testing::TempDir dir;
  auto inner = OpenDirBlobStore(dir.Sub("images"));
  ASSERT_TRUE(inner.ok());
  auto blobs = NewEncryptedBlobStore(std::move(*inner), Ring("k1:" + kHexA));
  const std::string jpeg = FakeJpeg();
  ASSERT_TRUE(blobs->Put("o1.jpg", jpeg).ok());
  auto back = blobs->Get("o1.jpg");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, jpeg);

  auto on_disk = ReadFile(dir.Sub("images/o1.jpg"));
  ASSERT_TRUE(on_disk.ok());
  EXPECT_EQ(on_disk->rfind("TLSYNENC", 0), 0u);
  EXPECT_EQ(on_disk->find("\xFF\xD8\xFF"), std::string::npos);
  EXPECT_EQ(on_disk->find("plaintext-marker"), std::string::npos);
  EXPECT_EQ(on_disk->size(), jpeg.size() + 8 + 2 + 2 + 12 + 16);
}

TEST(EncryptedBlobStore, SameImageEncryptsDifferentlyEachTime) {
  ImageKeyring ring = Ring("k1:" + kHexA);
  auto a = EncryptImage("same bytes", ring, "x.jpg");
  auto b = EncryptImage("same bytes", ring, "x.jpg");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);  // fresh nonce
}

TEST(EncryptedBlobStore, TamperedFileIsAClearErrorNotACrash) {
  auto mem = std::make_unique<::tilsyn::testing::MemoryBlobStore>();
  auto* raw = mem.get();
  auto blobs = NewEncryptedBlobStore(std::move(mem), Ring("k1:" + kHexA));
  ASSERT_TRUE(blobs->Put("o1.jpg", FakeJpeg()).ok());
  std::string stored = raw->Get("o1.jpg").value();
  for (size_t pos : {size_t{20}, stored.size() / 2, stored.size() - 1}) {
    std::string bad = stored;
    bad[pos] ^= 0x01;
    ASSERT_TRUE(raw->Put("o1.jpg", bad).ok());
    auto got = blobs->Get("o1.jpg");
    ASSERT_FALSE(got.ok()) << pos;
    EXPECT_NE(got.status().message().find("altered or the key is wrong"), std::string::npos)
        << got.status().ToString();
  }
  ASSERT_TRUE(raw->Put("o1.jpg", stored.substr(0, 20)).ok());  // truncated
  EXPECT_FALSE(blobs->Get("o1.jpg").ok());
  // A file copied under another key name does not decrypt either (the key is authenticated).
  ASSERT_TRUE(raw->Put("o2.jpg", stored).ok());
  EXPECT_FALSE(blobs->Get("o2.jpg").ok());
}

TEST(EncryptedBlobStore, WrongKeyOrUnknownKeyIdOrPlaintextFileFailsClearly) {
  auto mem = std::make_unique<::tilsyn::testing::MemoryBlobStore>();
  auto* raw = mem.get();
  auto writer = NewEncryptedBlobStore(std::move(mem), Ring("k1:" + kHexA));
  ASSERT_TRUE(writer->Put("o1.jpg", FakeJpeg()).ok());
  const std::string stored = raw->Get("o1.jpg").value();

  // Same id, different key material.
  auto wrong = DecryptImage(stored, Ring("k1:" + kHexB), "o1.jpg");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), Code::kInternal);
  // Id not in the ring.
  auto unknown = DecryptImage(stored, Ring("k2:" + kHexB), "o1.jpg");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(unknown.status().message().find("'k1'"), std::string::npos);
  // A plaintext file is refused, not served.
  auto plain = DecryptImage(FakeJpeg(), Ring("k1:" + kHexA), "o1.jpg");
  EXPECT_EQ(plain.status().code(), Code::kFailedPrecondition);
}

TEST(EncryptedBlobStore, ReadsOldKeysAndRotationMovesEverythingToTheCurrentKey) {
  auto mem = std::make_unique<::tilsyn::testing::MemoryBlobStore>();
  auto* raw = mem.get();
  // Write two images under "old", one plaintext file from before encryption.
  ImageKeyring old_ring = Ring("old:" + kHexA);
  ASSERT_TRUE(raw->Put("a.jpg", EncryptImage("image a", old_ring, "a.jpg").value()).ok());
  ASSERT_TRUE(raw->Put("b.jpg", EncryptImage("image b", old_ring, "b.jpg").value()).ok());
  ASSERT_TRUE(raw->Put("legacy.jpg", FakeJpeg()).ok());

  ImageKeyring ring = Ring("old:" + kHexA + ",new:" + kHexB, "new");
  auto blobs = NewEncryptedBlobStore(std::move(mem), ring);
  EXPECT_EQ(blobs->Get("a.jpg").value(), "image a");  // old key still reads
  ASSERT_TRUE(blobs->Put("c.jpg", "image c").ok());
  EXPECT_EQ(EncryptedKeyId(raw->Get("c.jpg").value()).value(), "new");  // writes use current

  auto rep = RotateImageKeys(*raw, ring);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->rewritten, 2);
  EXPECT_EQ(rep->encrypted, 1);
  EXPECT_EQ(rep->unchanged, 1);
  EXPECT_EQ(rep->failed, 0);
  for (const char* k : {"a.jpg", "b.jpg", "c.jpg", "legacy.jpg"}) {
    EXPECT_EQ(EncryptedKeyId(raw->Get(k).value()).value(), "new") << k;
  }
  // After rotation the old key can be dropped from the ring.
  ImageKeyring new_only = Ring("new:" + kHexB);
  EXPECT_EQ(DecryptImage(raw->Get("b.jpg").value(), new_only, "b.jpg").value(), "image b");
  EXPECT_EQ(DecryptImage(raw->Get("legacy.jpg").value(), new_only, "legacy.jpg").value(),
            FakeJpeg());
  // Running it again changes nothing.
  auto again = RotateImageKeys(*raw, ring);
  EXPECT_EQ(again->unchanged, 4);
}

TEST(EncryptedBlobStore, RotationReportsFilesItCannotReadAndLeavesThem) {
  ::tilsyn::testing::MemoryBlobStore raw;
  ASSERT_TRUE(raw.Put("x.jpg", EncryptImage("x", Ring("gone:" + kHexA), "x.jpg").value()).ok());
  auto rep = RotateImageKeys(raw, Ring("new:" + kHexB));
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->failed, 1);
  ASSERT_EQ(rep->errors.size(), 1u);
  EXPECT_EQ(EncryptedKeyId(raw.Get("x.jpg").value()).value(), "gone");
}

TEST(DirBlobStore, KeysListsStoredKeysSortedWithoutTempFiles) {
  ::tilsyn::testing::TempDir dir;
  auto blobs = OpenDirBlobStore(dir.path());
  ASSERT_TRUE(blobs.ok());
  ASSERT_TRUE((*blobs)->Put("b.jpg", "b").ok());
  ASSERT_TRUE((*blobs)->Put("a.jpg", "a").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("junk.tmp-1234"), "t").ok());
  auto keys = (*blobs)->Keys();
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(*keys, (std::vector<std::string>{"a.jpg", "b.jpg"}));
}

}  // namespace
}  // namespace tilsyn::store
