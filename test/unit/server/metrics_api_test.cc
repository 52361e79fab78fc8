// GET /metrics: the Prometheus text format with every family the operator needs; admin only.
#include "fakes/fake_world.h"
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

class MetricsApi : public ApiTest {
 protected:
  void ConfigureContext(ApiContext& ctx) override {
    ctx.http_metrics = std::make_shared<HttpMetrics>();
  }
};

// The value of the sample line that starts with `prefix`, or -1.
double Value(const std::string& body, const std::string& prefix) {
  size_t pos = 0;
  while ((pos = body.find(prefix, pos)) != std::string::npos) {
    if (pos == 0 || body[pos - 1] == '\n') {
      const size_t sp = body.find(' ', pos + prefix.size() - 1);
      return std::stod(body.substr(sp + 1, body.find('\n', sp) - sp - 1));
    }
    ++pos;
  }
  return -1;
}

TEST_F(MetricsApi, ExposesRequestsQueuesActionsAndImagesInTheTextFormat) {
  const std::string task_id = CreateTask();
  EXPECT_EQ(Call("GET", "/api/v1/tasks/" + task_id, inspector_).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/tasks/nope", inspector_).status, 404);
  EXPECT_EQ(Call("GET", "/nothing/here", "").status, 404);
  const tasks::Task task = store_->GetTask(task_id).value();
  ::tilsyn::testing::InsertObservation(store_.get(), task, "veh", kNow);

  Reply r = Call("GET", "/metrics", admin_);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.raw.content_type, "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = r.raw.body;
  for (const char* family :
       {"tilsyn_http_requests_total", "tilsyn_http_request_duration_seconds", "tilsyn_observations",
        "tilsyn_action_runs", "tilsyn_queue_depth", "tilsyn_recognizer_calls_total",
        "tilsyn_recognizer_fallbacks_total", "tilsyn_images"}) {
    EXPECT_NE(m.find("# TYPE " + std::string(family) + " "), std::string::npos) << family;
  }
  EXPECT_EQ(
      Value(
          m,
          "tilsyn_http_requests_total{method=\"GET\",route=\"/api/v1/tasks/{id}\",status=\"200\"}"),
      1);
  EXPECT_EQ(
      Value(
          m,
          "tilsyn_http_requests_total{method=\"GET\",route=\"/api/v1/tasks/{id}\",status=\"404\"}"),
      1);
  EXPECT_EQ(
      Value(m, "tilsyn_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"), 1);
  EXPECT_EQ(
      Value(m,
            "tilsyn_http_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/tasks\"}"),
      1);
  EXPECT_EQ(Value(m,
                  "tilsyn_http_request_duration_seconds_bucket{method=\"POST\",route=\"/api/v1/"
                  "tasks\",le=\"+Inf\"}"),
            1);
  EXPECT_EQ(Value(m, "tilsyn_observations{state=\"stored\"}"), 1);
  EXPECT_EQ(Value(m, "tilsyn_queue_depth{queue=\"recognition\"}"), 1);
  EXPECT_EQ(Value(m, "tilsyn_images{state=\"kept\"}"), 1);

  EXPECT_EQ(Call("GET", "/metrics", inspector_).status, 403);
  EXPECT_EQ(Call("GET", "/metrics", "").status, 401);
}

TEST(PromLabel, EscapesQuotesBackslashesAndNewlines) {
  EXPECT_EQ(PromLabel("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace tilsyn::server::testing
