// The outbox's caps (size and age: the oldest waiting observations are dropped, each recorded in
// rejected/ without its image) and its crash safety under SIGKILL at random moments.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "agent/outbox.h"
#include "core/file_util.h"
#include "core/ids.h"
#include "fakes/test_paths.h"

namespace tilsyn::agent {
namespace {
namespace fs = std::filesystem;

const std::string kKey(32, 'k');
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(10'000, 'p');

// Puts `n` entries, the i-th written `n - i` hours ago.
std::vector<std::string> PutAged(Outbox& box, const std::string& dir, int n) {
  std::vector<std::string> ids;
  const auto now = fs::file_time_type::clock::now();
  for (int i = 0; i < n; ++i) {
    ids.push_back(NewUuid());
    EXPECT_TRUE(box.Put(ids.back(), R"({"job_id":"j)" + std::to_string(i) + R"("})", kJpeg).ok());
    fs::last_write_time(dir + "/outbox/" + ids.back() + ".obs", now - std::chrono::hours(n - i));
  }
  return ids;
}

// One line appended with a single write(2) (what is written survives a SIGKILL: it is in the
// kernel's page cache).
bool AppendLine(const std::string& path, const std::string& line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) return false;
  const std::string text = line + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

Json Rejected(const std::string& dir, const std::string& id) {
  auto text = ReadFile(dir + "/rejected/" + id + ".json");
  EXPECT_TRUE(text.ok()) << id;
  EXPECT_EQ(text.value_or("").find("pppppppp"), std::string::npos) << "no image bytes";
  return ParseJson(text.value_or("{}")).value_or(Json::object());
}

TEST(OutboxLimits, OverSizeTheOldestAreDroppedAndRecorded) {
  testing::TempDir dir;
  auto box = Outbox::Open(dir.path(), kKey);
  ASSERT_TRUE(box.ok());
  const std::vector<std::string> ids = PutAged(**box, dir.path(), 5);
  const int64_t one = static_cast<int64_t>(fs::file_size(dir.Sub("outbox/" + ids[0] + ".obs")));
  auto dropped = (*box)->EnforceLimits({3 * one, 0});
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  EXPECT_EQ(*dropped, 2);
  EXPECT_EQ((*box)->dropped(), 2);
  EXPECT_EQ(*(*box)->List(), std::vector<std::string>(ids.begin() + 2, ids.end()));
  for (int i = 0; i < 2; ++i) {
    const Json r = Rejected(dir.path(), ids[i]);
    EXPECT_EQ(r["error"]["code"], "outbox_full");
    EXPECT_EQ(r["metadata"]["job_id"], "j" + std::to_string(i)) << "what was dropped is known";
  }
  // Within the caps nothing more goes.
  EXPECT_EQ((*box)->EnforceLimits({3 * one, 0}).value(), 0);
}

TEST(OutboxLimits, TooOldAreDroppedAndTheNewestIsNeverDroppedForSize) {
  testing::TempDir dir;
  auto box = Outbox::Open(dir.path(), kKey);
  ASSERT_TRUE(box.ok());
  const std::vector<std::string> ids = PutAged(**box, dir.path(), 4);  // 4, 3, 2 and 1 h old
  auto dropped = (*box)->EnforceLimits({0, 2 * 3600 + 1800});           // 2.5 h
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(*dropped, 2);
  EXPECT_EQ(Rejected(dir.path(), ids[0])["error"]["code"], "outbox_expired");
  EXPECT_EQ(*(*box)->List(), std::vector<std::string>(ids.begin() + 2, ids.end()));
  // A cap below one entry keeps the newest one (the vehicle's latest observation).
  EXPECT_EQ((*box)->EnforceLimits({1, 0}).value(), 1);
  EXPECT_EQ(*(*box)->List(), std::vector<std::string>{ids[3]});
  EXPECT_EQ((*box)->dropped(), 3);
  EXPECT_EQ((*box)->EnforceLimits({0, 0}).value(), 0) << "no caps, nothing dropped";
}

// Power loss on a vehicle, as far as a test can pull the plug: a child process puts observations
// in a loop and is killed with SIGKILL at a random moment, many times over the same outbox.
// Afterwards every entry the child was told was stored is there and readable, no file is
// half-written or unreadable, and the temp files of interrupted writes are cleaned on Open.
TEST(OutboxLimits, SigkillAtRandomMomentsLosesNothingAcknowledgedAndCorruptsNothing) {
  testing::TempDir dir;
  const std::string acked = dir.Sub("acked.txt");
  std::mt19937 rng(20261206);
  constexpr int kRuns = 40;
  int killed_mid_run = 0;
  for (int run = 0; run < kRuns; ++run) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto box = Outbox::Open(dir.path(), kKey);
      if (!box.ok()) _exit(3);
      for (int i = 0; i < 100'000; ++i) {
        const std::string id = NewUuid();
        if (!(*box)->Put(id, R"({"run":)" + std::to_string(run) + "}", kJpeg).ok()) _exit(4);
        // Only now is the entry acknowledged (to the trigger, here to the log).
        if (!AppendLine(acked, id)) _exit(5);
      }
      _exit(0);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(200, 20'000)(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) ++killed_mid_run;
    else ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child failed: " << status;
  }
  EXPECT_GT(killed_mid_run, kRuns / 2);
  auto box = Outbox::Open(dir.path(), kKey);
  ASSERT_TRUE(box.ok());
  auto listed = (*box)->List();
  ASSERT_TRUE(listed.ok());
  const std::set<std::string> present(listed->begin(), listed->end());
  for (const std::string& id : present) {
    auto e = (*box)->Read(id);
    ASSERT_TRUE(e.ok()) << id << ": " << e.status().ToString();
    EXPECT_EQ(e->jpeg, kJpeg);
  }
  auto log = ReadFile(acked);
  ASSERT_TRUE(log.ok());
  size_t n = 0, start = 0;
  while (start < log->size()) {
    const size_t end = log->find('\n', start);
    if (end == std::string::npos) break;  // a line cut by the kill: not acknowledged
    const std::string id = log->substr(start, end - start);
    EXPECT_TRUE(present.count(id)) << "acknowledged but lost: " << id;
    ++n;
    start = end + 1;
  }
  EXPECT_GT(n, 0u);
  for (const auto& de : fs::directory_iterator(dir.Sub("outbox"))) {
    EXPECT_EQ(de.path().filename().string().find(".tmp-"), std::string::npos) << "cleaned on Open";
  }
  RecordProperty("kills", killed_mid_run);
  RecordProperty("acknowledged", static_cast<int>(n));
}

}  // namespace
}  // namespace tilsyn::agent
