// The agent's test fixture: a loopback server with the vehicle endpoints (job sync with optional
// agent settings, heartbeat, uploads), a camera of white frames and an anonymizer that blacks a
// frame out, so a test can tell raw from anonymized bytes.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "agent/agent.h"
#include "agent/gps/replay_source.h"
#include "agent_test_util.h"
#include "imaging/jpeg.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "net/multipart.h"

namespace tilsyn::agent::testutil {

// A white frame: the "raw" camera image, exposed `lag_ms` after the fix that asked for it (the
// first `lagging` frames only; -1 = all).
class WhiteCamera : public Camera {
 public:
  Result<Frame> Capture(const GpsFix& at) override {
    ++captures;
    const bool lags = lagging < 0 || captures <= lagging;
    return Frame{cv::Mat(48, 64, CV_8UC3, cv::Scalar(255, 255, 255)),
                 at.time + (lags ? lag_ms : 0)};
  }
  int captures = 0;
  TimeMs lag_ms = 0;
  int lagging = -1;
};

// "Anonymizes" by blacking out the whole frame, so the test can tell raw from anonymized bytes.
class BlackoutAnonymizer : public imaging::Anonymizer {
 public:
  explicit BlackoutAnonymizer(bool fail = false) : fail_(fail) {}
  Result<imaging::AnonymizationReport> Anonymize(cv::Mat& bgr) override {
    if (fail_) return Status::Internal("detector crashed");
    bgr.setTo(cv::Scalar(0, 0, 0));
    imaging::AnonymizationReport r;
    r.counts["face"] = 1;
    r.detectors = {"blackout@1"};
    return r;
  }

 private:
  bool fail_;
};

// A loopback server with the two vehicle endpoints.
class FakeTilsyn {
 public:
  explicit FakeTilsyn(std::vector<tasks::CaptureJob> jobs) : jobs_(std::move(jobs)) {
    net::InitHttpClient();
    server_ =
        net::StartHttpServer({}, [this](const net::HttpRequest& r) { return Handle(r); }).value();
  }
  ~FakeTilsyn() { server_->Stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  std::mutex mu;
  std::vector<Json> metadata;
  std::vector<cv::Mat> images;
  std::vector<std::string> since_seen;
  std::vector<std::string> config_version_seen;  // the agent's config_version on each sync
  std::vector<Json> heartbeats;
  Json agent_config;  // sent with every sync when not null (the server's newest settings)

 private:
  net::HttpResponse Handle(const net::HttpRequest& r) {
    if (r.Header("authorization") != "Bearer tok") return net::HttpResponse::JsonBody(401, {});
    std::lock_guard<std::mutex> l(mu);
    if (r.method == "GET" && r.path == "/api/v1/jobs") {
      since_seen.push_back(r.query.count("since") ? r.query.at("since") : "");
      config_version_seen.push_back(r.query.count("config_version") ? r.query.at("config_version")
                                                                    : "");
      Json arr = Json::array();
      for (const auto& j : jobs_) arr.push_back(tasks::JobToJson(j));
      Json body = {{"version", 5}, {"jobs", arr}};
      if (!agent_config.is_null()) body["agent_config"] = agent_config;
      return net::HttpResponse::JsonBody(200, body);
    }
    if (r.method == "POST" && r.path == "/api/v1/heartbeat") {
      heartbeats.push_back(ParseJson(r.body).value());
      return net::HttpResponse::JsonBody(200, {{"config_version", 0}});
    }
    if (r.method == "POST" && r.path == "/api/v1/observations") {
      auto parts = net::ParseMultipart(r.body, r.Header("content-type"));
      if (!parts.ok()) return net::HttpResponse::Error(parts.status());
      for (const auto& p : *parts) {
        if (p.name == "metadata") metadata.push_back(ParseJson(p.data).value());
        if (p.name == "image") images.push_back(imaging::DecodeJpeg(p.data).value());
      }
      return net::HttpResponse::JsonBody(201, {{"state", "received"}});
    }
    return net::HttpResponse::JsonBody(404, {});
  }

  std::vector<tasks::CaptureJob> jobs_;
  std::unique_ptr<net::HttpServer> server_;
};

inline AgentConfig Config(const std::string& url, const std::string& data_dir) {
  AgentConfig c;
  c.server_url = url;
  c.token = "tok";
  c.data_dir = data_dir;
  c.gps_file = "unused.nmea";
  c.camera_dir = "unused";
  c.vehicle_id = "sweeper-7";
  c.drain_timeout_s = 30;
  return c;
}

// A drive from 100 m west of the centre to 100 m east, one fix per second, 5 m apart.
inline std::vector<GpsFix> Drive(TimeMs t0) {
  std::vector<GpsFix> v;
  for (int i = 0; i <= 40; ++i) {
    v.push_back(
        FixAt(geo::Offset(geo::Offset(kCenter, 270, 100), 90, i * 5.0), t0 + i * 1000, 18, 90));
  }
  return v;
}

struct Built {
  std::unique_ptr<Agent> agent;
  WhiteCamera* camera = nullptr;
};

inline Built Build(const AgentConfig& cfg, Clock* clock, std::vector<GpsFix> fixes,
                   bool anonymizer_fails = false) {
  AgentDeps deps;
  deps.clock = clock;
  deps.gps = std::make_unique<ReplaySource>(std::move(fixes), 2, 0.0, clock);
  auto cam = std::make_unique<WhiteCamera>();
  WhiteCamera* cam_ptr = cam.get();
  deps.camera = std::move(cam);
  deps.anonymizer = std::make_unique<BlackoutAnonymizer>(anonymizer_fails);
  deps.jobs = NewHttpJobSource(cfg.server_url, cfg.token);
  auto agent = Agent::CreateWith(cfg, std::move(deps));
  EXPECT_TRUE(agent.ok()) << agent.status().ToString();
  return {std::move(agent).value(), cam_ptr};
}

}  // namespace tilsyn::agent::testutil
