#include "agent/outbox_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/file_util.h"
#include "fakes/test_paths.h"

namespace tilsyn::agent {
namespace {

TEST(OutboxKey, FromTheEnvironmentAsHexOrBase64) {
  AgentConfig c;
  c.outbox_key = std::string(64, 'a');
  auto k = ResolveOutboxKey(c);
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->size(), 32u);
  c.outbox_key = "not a key";
  EXPECT_EQ(ResolveOutboxKey(c).status().field(), "outbox_key");
}

TEST(OutboxKey, GeneratedOnceWithMode0600AndReused) {
  testing::TempDir dir;
  AgentConfig c;
  c.data_dir = dir.Sub("agent");
  auto first = ResolveOutboxKey(c);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  struct stat st;
  ASSERT_EQ(::stat(dir.Sub("agent/outbox.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = ResolveOutboxKey(c);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
}

TEST(OutboxKey, AKeyFileOthersCanReadIsRefusedAndANamedMissingOneIsNotFound) {
  testing::TempDir dir;
  AgentConfig c;
  c.data_dir = dir.path();
  c.outbox_key_file = dir.Sub("key");
  EXPECT_EQ(ResolveOutboxKey(c).status().code(), Code::kNotFound);
  ASSERT_TRUE(WriteFileAtomic(c.outbox_key_file, std::string(64, 'b') + "\n").ok());
  ASSERT_TRUE(ResolveOutboxKey(c).ok());
  ASSERT_EQ(::chmod(c.outbox_key_file.c_str(), 0644), 0);
  EXPECT_EQ(ResolveOutboxKey(c).status().field(), "outbox_key_file");
}

}  // namespace
}  // namespace tilsyn::agent
