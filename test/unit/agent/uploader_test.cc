#include "agent/uploader.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>

#include "core/file_util.h"
#include "core/ids.h"
#include "fakes/test_paths.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "net/multipart.h"

namespace tilsyn::agent {
namespace {
namespace fs = std::filesystem;

const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "jpeg-bytes";

// A loopback server answering POST /api/v1/observations with scripted statuses (the last one
// repeats), recording what it received.
class FakeServer {
 public:
  explicit FakeServer(std::vector<int> statuses) : statuses_(std::move(statuses)) {
    net::InitHttpClient();
    auto s = net::StartHttpServer({}, [this](const net::HttpRequest& r) { return Handle(r); });
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
  }
  ~FakeServer() { server_->Stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  int calls() const { return calls_; }
  std::string last_metadata() {
    std::lock_guard<std::mutex> l(mu_);
    return last_metadata_;
  }
  std::string last_image() {
    std::lock_guard<std::mutex> l(mu_);
    return last_image_;
  }
  std::string last_auth() {
    std::lock_guard<std::mutex> l(mu_);
    return last_auth_;
  }

 private:
  net::HttpResponse Handle(const net::HttpRequest& r) {
    int n = calls_++;
    if (r.method != "POST" || r.path != "/api/v1/observations") {
      return net::HttpResponse::JsonBody(404, {{"error", "no route"}});
    }
    auto parts = net::ParseMultipart(r.body, r.Header("content-type"));
    if (!parts.ok()) return net::HttpResponse::Error(parts.status());
    {
      std::lock_guard<std::mutex> l(mu_);
      last_auth_ = r.Header("authorization");
      for (const auto& p : *parts) {
        if (p.name == "metadata") last_metadata_ = p.data;
        if (p.name == "image") last_image_ = p.data;
      }
    }
    int status = statuses_[std::min<size_t>(n, statuses_.size() - 1)];
    if (status == 412) {
      return net::HttpResponse::JsonBody(
          412,
          {{"error",
            {{"code", "failed_precondition"}, {"message", "no active job"}, {"field", "job_id"}}}});
    }
    return net::HttpResponse::JsonBody(status, {{"status", status}});
  }

  std::vector<int> statuses_;
  std::atomic<int> calls_{0};
  std::mutex mu_;
  std::string last_metadata_, last_image_, last_auth_;
  std::unique_ptr<net::HttpServer> server_;
};

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<Outbox> outbox = Outbox::Open(dir.path(), std::string(32, 'k')).value();
  FakeClock clock;
  std::string id = NewUuid();
  UploaderOptions Options(const std::string& url) {
    UploaderOptions o;
    o.server_url = url;
    o.token = "vehicle-token";
    o.request_timeout_ms = 5000;
    return o;
  }
};

TEST(Uploader, RetriesAfter503ThenUploadsOnceAndRemovesTheFile) {
  FakeServer server({503, 201});
  Fixture f;
  ASSERT_TRUE(f.outbox->Put(f.id, R"({"id":")" + f.id + R"("})", kJpeg).ok());
  TimeMs start = f.clock.NowMs();
  Uploader up(f.outbox.get(), &f.clock, f.Options(server.url()));
  up.Start();
  EXPECT_TRUE(up.WaitUntilEmpty(60'000));
  up.Stop();
  EXPECT_EQ(server.calls(), 2);
  UploadStats st = up.stats();
  EXPECT_EQ(st.uploaded, 1);
  EXPECT_EQ(st.retries, 1);
  EXPECT_EQ(st.rejected, 0);
  EXPECT_FALSE(fs::exists(f.dir.Sub("outbox/" + f.id + ".obs")));
  EXPECT_EQ(server.last_image(), kJpeg);
  EXPECT_EQ(server.last_auth(), "Bearer vehicle-token");
  auto meta = ParseJson(server.last_metadata());
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ((*meta)["id"], f.id);
  // The one backoff slept on the clock, within the first ceiling (500 ms).
  EXPECT_LE(f.clock.NowMs() - start, 500);
}

TEST(Uploader, ClientErrorMovesTheObservationToRejectedWithoutImage) {
  FakeServer server({412});
  Fixture f;
  ASSERT_TRUE(f.outbox->Put(f.id, R"({"job_id":"j1"})", kJpeg).ok());
  Uploader up(f.outbox.get(), &f.clock, f.Options(server.url()));
  EXPECT_EQ(up.UploadOnce(f.id), UploadOutcome::kRejected);
  EXPECT_EQ(server.calls(), 1);
  EXPECT_EQ(f.outbox->Count(), 0u);
  auto text = ReadFile(f.dir.Sub("rejected/" + f.id + ".json"));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->find("jpeg-bytes"), std::string::npos);
  auto j = ParseJson(*text);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["error"]["http_status"], 412);
  EXPECT_EQ((*j)["error"]["body"]["error"]["field"], "job_id");
  EXPECT_EQ((*j)["metadata"]["job_id"], "j1");
  EXPECT_EQ(up.stats().rejected, 1);
}

TEST(Uploader, TransientStatusesAreRetriedNotRejected) {
  for (int status : {408, 429, 500, 503, 401}) {
    FakeServer server({status});
    Fixture f;
    ASSERT_TRUE(f.outbox->Put(f.id, "{}", kJpeg).ok());
    Uploader up(f.outbox.get(), &f.clock, f.Options(server.url()));
    EXPECT_EQ(up.UploadOnce(f.id), UploadOutcome::kRetry) << status;
    EXPECT_EQ(f.outbox->Count(), 1u) << status;
    EXPECT_FALSE(fs::exists(f.dir.Sub("rejected/" + f.id + ".json"))) << status;
  }
}

TEST(Uploader, DuplicateAckRemovesAndCountsDuplicate) {
  FakeServer server({200});
  Fixture f;
  ASSERT_TRUE(f.outbox->Put(f.id, "{}", kJpeg).ok());
  Uploader up(f.outbox.get(), &f.clock, f.Options(server.url()));
  EXPECT_EQ(up.UploadOnce(f.id), UploadOutcome::kDuplicate);
  EXPECT_EQ(f.outbox->Count(), 0u);
  EXPECT_EQ(up.stats().duplicates, 1);
}

TEST(Uploader, NetworkErrorKeepsTheFileAndBacksOff) {
  std::string url;
  {
    FakeServer gone({201});
    url = gone.url();
  }  // stopped: connection refused from here on
  Fixture f;
  ASSERT_TRUE(f.outbox->Put(f.id, "{}", kJpeg).ok());
  UploaderOptions o = f.Options(url);
  o.request_timeout_ms = 1000;
  Uploader up(f.outbox.get(), &f.clock, o);
  up.Start();
  // Fake time advances only through backoff sleeps, so a timeout here proves backoff happened.
  EXPECT_FALSE(up.WaitUntilEmpty(20'000));
  up.Stop();
  EXPECT_EQ(f.outbox->Count(), 1u);
  EXPECT_GE(up.stats().attempts, 2);
  EXPECT_EQ(up.stats().uploaded, 0);
}

TEST(Uploader, CorruptOutboxFileIsRejectedVisibly) {
  FakeServer server({201});
  Fixture f;
  ASSERT_TRUE(WriteFileAtomic(f.dir.Sub("outbox/" + f.id + ".obs"), "xx").ok());
  Uploader up(f.outbox.get(), &f.clock, f.Options(server.url()));
  EXPECT_EQ(up.UploadOnce(f.id), UploadOutcome::kRejected);
  EXPECT_EQ(server.calls(), 0);
  EXPECT_TRUE(fs::exists(f.dir.Sub("rejected/" + f.id + ".json")));
}

TEST(Uploader, DrainsLeftoversOldestFirst) {
  FakeServer server({201});
  Fixture f;
  std::vector<std::string> ids = {NewUuid(), NewUuid()};
  auto now = fs::file_time_type::clock::now();
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(f.outbox->Put(ids[i], R"({"id":")" + ids[i] + R"("})", kJpeg).ok());
    fs::last_write_time(f.dir.Sub("outbox/" + ids[i] + ".obs"), now - std::chrono::seconds(10 - i));
  }
  Uploader up(f.outbox.get(), &f.clock, f.Options(server.url()));
  up.Start();
  EXPECT_TRUE(up.WaitUntilEmpty(60'000));
  up.Stop();
  EXPECT_EQ(up.stats().uploaded, 2);
  EXPECT_EQ((*ParseJson(server.last_metadata()))["id"], ids[1]);
}

}  // namespace
}  // namespace tilsyn::agent
