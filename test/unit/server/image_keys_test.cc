// ResolveImageKeyring: configured keyrings and keys, the refusal without a key, and the
// development key file (created once, mode 0600, reused after a restart).
#include "server/image_keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "fakes/test_paths.h"
#include "server/cli.h"

namespace tilsyn::server {
namespace {

TEST(ImageKeys, WithoutAKeyTheServerMayNotStart) {
  tilsyn::testing::TempDir dir;
  ServerConfig c;
  c.data_dir = dir.path();
  auto ring = ResolveImageKeyring(c);
  ASSERT_FALSE(ring.ok());
  EXPECT_EQ(ring.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(ring.status().field(), "image_key");
  EXPECT_NE(ring.status().message().find("--dev-generate-key"), std::string::npos);
}

TEST(ImageKeys, KeyringFromTheEnvironmentPicksTheCurrentId) {
  std::map<std::string, std::string> env = {
      {"TILSYN_IMAGE_KEYS", "old:" + std::string(64, 'a') + ",new:" + std::string(64, 'b')},
      {"TILSYN_IMAGE_KEY_ID", "old"}};
  auto config = ResolveServerConfig({}, [&](const char* n) -> const char* {
    auto it = env.find(n);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto ring = ResolveImageKeyring(*config);
  ASSERT_TRUE(ring.ok()) << ring.status().ToString();
  EXPECT_EQ(ring->current_id(), "old");
  EXPECT_EQ(ring->ids(), (std::vector<std::string>{"new", "old"}));
}

TEST(ImageKeys, SingleKeyGetsIdK1AndABadKeyNamesTheSetting) {
  ServerConfig c;
  c.image_key = std::string(64, 'c');
  EXPECT_EQ(ResolveImageKeyring(c)->current_id(), "k1");
  c.image_key = "too-short";
  EXPECT_EQ(ResolveImageKeyring(c).status().field(), "image_key");
}

TEST(ImageKeys, DevKeyIsWrittenOnceWithMode0600OutsideTheImagesAndReused) {
  tilsyn::testing::TempDir dir;
  ServerConfig c;
  c.data_dir = dir.Sub("data");
  c.dev_generate_key = true;
  auto first = ResolveImageKeyring(c);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const std::string path = DevImageKeyPath(c.data_dir);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(path.find("/images/"), std::string::npos);
  auto second = ResolveImageKeyring(c);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->current_key(), second->current_key());
  // A configured key wins over the development key.
  c.image_key = std::string(64, 'd');
  EXPECT_EQ(ResolveImageKeyring(c)->current_id(), "k1");
}

}  // namespace
}  // namespace tilsyn::server
