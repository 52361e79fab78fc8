#include "core/crypto.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "core/file_util.h"
#include "core/ids.h"
#include "core/json_util.h"
#include "fakes/test_paths.h"

namespace tilsyn {
namespace {

TEST(Crypto, Sha256KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, Base64KnownVectors) {
  // RFC 4648 section 10.
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Crypto, HmacKnownVector) {
  // RFC 4231 test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Ids, UuidsAreCanonicalAndDistinct) {
  std::string a = NewUuid(), b = NewUuid();
  EXPECT_TRUE(IsUuid(a));
  EXPECT_NE(a, b);
  EXPECT_EQ(a[14], '4');
  EXPECT_FALSE(IsUuid("not-a-uuid"));
}

TEST(FileUtil, AtomicWriteLeavesNoTempFiles) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("a.bin"), std::string("x\0y", 3)).ok());
  EXPECT_EQ(*ReadFile(dir.Sub("a.bin")), std::string("x\0y", 3));
  int n = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) ++n, (void)e;
  EXPECT_EQ(n, 1);
  ASSERT_TRUE(RemoveFile(dir.Sub("a.bin")).ok());
  EXPECT_FALSE(ReadFile(dir.Sub("a.bin")).ok());
  EXPECT_TRUE(RemoveFile(dir.Sub("a.bin")).ok());
}

TEST(JsonUtil, ErrorsNameTheField) {
  auto bad = ParseJson("{not json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "body");
  Json j = Json::parse(R"({"a": "x", "n": 1.5})");
  auto n = GetInt(j, "n", "obj.n");
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().field(), "obj.n");
  auto missing = GetString(j, "zzz", "obj.zzz");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().field(), "obj.zzz");
  EXPECT_FALSE(GetOptString(j, "zzz", "z")->has_value());
}

}  // namespace
}  // namespace tilsyn
