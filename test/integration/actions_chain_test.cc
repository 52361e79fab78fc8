// Each action type against a receiver that speaks its protocol on loopback, with the real server
// process: a finding produces one e-mail in the SMTP sink, one Open311 service request (whose
// status reaches the finding when the case system changes it) and one CloudEvent — while every
// receiver refuses the first attempt, and the server is killed between a delivery and its record.
// Delivery is at least once: a delivery the crash left unrecorded is made again, with the same
// idempotency key (Message-ID, Tilsyn reference, CloudEvent id), so each receiver sees one
// event.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "core/clock.h"
#include "core/file_util.h"
#include "core/ids.h"
#include "core/time_format.h"
#include "demo/api_client.h"
#include "demo/frames.h"
#include "demo/process.h"
#include "demo/scenario.h"
#include "demo/webhook_receiver.h"
#include "fakes/open311_server.h"
#include "fakes/smtp_sink.h"
#include "fakes/test_paths.h"
#include "net/http_client.h"
#include "net/multipart.h"

namespace tilsyn::testing {
namespace {

constexpr geo::LatLon kSite{55.6890, 12.5520};

template <typename F>
bool WaitFor(F done, int seconds) {
  for (int i = 0; i < seconds * 10; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// The attributes and formats the CloudEvents 1.0 JSON schema requires of a structured event.
std::string CloudEventProblem(const Json& e) {
  for (const char* k : {"specversion", "id", "source", "type"}) {
    if (!e.contains(k) || !e[k].is_string() || e[k].get<std::string>().empty()) {
      return std::string("required attribute ") + k;
    }
  }
  if (e["specversion"] != "1.0") return "specversion";
  if (e.contains("time") &&
      (!e["time"].is_string() || !ParseIso8601(e["time"].get<std::string>()).ok())) {
    return "time is not RFC 3339";
  }
  for (const char* k : {"datacontenttype", "subject", "dataschema"}) {
    if (e.contains(k) && (!e[k].is_string() || e[k].get<std::string>().empty())) return k;
  }
  if (e.contains("data") && e.contains("data_base64")) return "data and data_base64";
  for (const auto& [k, v] : e.items()) {
    if (!std::regex_match(k, std::regex("[a-z0-9]{1,20}")) && k != "data_base64") {
      return "attribute name " + k;
    }
  }
  return "";
}

TEST(ActionsChain, EachReceiverGetsOneEventDespiteAFailedFirstAttemptAndAKilledServer) {
  net::InitHttpClient();
  TempDir dir;
  SmtpSink mail;
  mail.DeferFirst(1);
  CaseSystem cases;
  cases.create = {{503, R"([{"code": 503, "description": "maintenance"}])"}};
  cases.Start();
  auto hook = demo::WebhookReceiver::Start("hook-secret", /*fail_first_delivery=*/true);
  ASSERT_TRUE(hook.ok());

  const std::string data = dir.Sub("server"), tilsyn = BinDir() + "/tilsyn";
  const uint16_t port = FreeLoopbackPort();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  Json config = {{"listen", "127.0.0.1"},
                 {"port", port},
                 {"data_dir", data},
                 {"pipeline_poll_ms", 100},
                 {"action_base_backoff_ms", 100},
                 {"case_follow_up_s", 1},
                 {"web_url", "https://tilsyn.kk.dk"},
                 {"smtp", {{"url", mail.url()}, {"from", "tilsyn@kk.dk"}, {"tls", "none"}}}};
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("server.json"), config.dump()).ok());
  auto serve = [&](const std::string& name, bool crash) {
    std::map<std::string, std::string> env = {{"TILSYN_IMAGE_KEY", std::string(64, '5')}};
    if (crash) env["TILSYN_CRASH_AFTER_ACTION_SUCCESSES_FOR_TEST"] = "1";
    auto c = demo::ChildProcess::Spawn({tilsyn, "serve", "--config", dir.Sub("server.json")}, env,
                                       dir.Sub(name + ".out"), dir.Sub(name + ".log"));
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return std::move(c).value();
  };
  auto healthy = [&] {
    auto r = net::Fetch({"GET", base + "/healthz", {}, "", 500});
    return r.ok() && r->status == 200;
  };

  std::string admin;
  {
    auto c = demo::ChildProcess::Spawn(
        {tilsyn, "admin", "create-token", "--role", "admin", "--subject", "t", "--data-dir", data},
        {}, dir.Sub("token.out"), dir.Sub("token.log"));
    ASSERT_TRUE(c.ok());
    ASSERT_EQ(c->Wait(), 0) << ReadFile(dir.Sub("token.log")).value_or("");
    admin = ReadFile(dir.Sub("token.out")).value_or("");
    while (!admin.empty() && (admin.back() == '\n' || admin.back() == '\r')) admin.pop_back();
  }
  // First start: it will die right after the first delivery that succeeds.
  demo::ChildProcess crashing = serve("s1", true);
  ASSERT_TRUE(WaitFor(healthy, 30)) << ReadFile(dir.Sub("s1.log")).value_or("");
  demo::ApiClient api(base, admin);
  const TimeMs now = SystemClock::Get()->NowMs();
  Json task =
      demo::TaskJson("Fortov ved Jagtvej", "absence",
                     {{"type", "Point"}, {"coordinates", {kSite.lon, kSite.lat}}, {"radius_m", 30}},
                     "person", 0.5, now);
  task["actions"] = {{{"type", "email"}, {"on", {"finding"}}, {"to", {"inspektor@kk.dk"}}},
                     {{"type", "open311"},
                      {"on", {"finding"}},
                      {"url", cases.Url()},
                      {"service_code", "obstruction"},
                      {"api_key", "k-1"}},
                     {{"type", "webhook"},
                      {"on", {"finding"}},
                      {"url", (*hook)->url()},
                      {"secret", "hook-secret"}}};
  auto created = api.Post("/api/v1/tasks", task);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const std::string task_id = (*created)["id"];
  ASSERT_TRUE(api.Post("/api/v1/tasks/" + task_id + "/activate", Json::object()).ok());
  auto vehicle = api.Post("/api/v1/vehicles", {{"name", "sweeper"}});
  ASSERT_TRUE(vehicle.ok());
  auto token = api.Post("/api/v1/vehicles/" + (*vehicle)["id"].get<std::string>() + "/token",
                        Json::object());
  ASSERT_TRUE(token.ok());

  // One upload: a person on the pavement where none may be — a finding.
  auto person = demo::FrameFor(demo::Scene::kOnePerson, 0, dir.Sub("gen"));
  ASSERT_TRUE(person.ok()) << person.status().ToString();
  const std::string jpeg = ReadFile(person->file).value();
  const Json meta = {{"id", NewUuid()},
                     {"job_id", task_id},
                     {"captured_at", FormatIso8601(now - 60'000)},
                     {"lat", kSite.lat},
                     {"lon", kSite.lon}};
  const std::string boundary = "b" + NewUuid();
  auto up = net::Fetch({"POST",
                        base + "/api/v1/observations",
                        {{"Authorization", "Bearer " + (*token)["token"].get<std::string>()},
                         {"Content-Type", "multipart/form-data; boundary=" + boundary}},
                        net::BuildMultipart({{"metadata", "", "application/json", meta.dump()},
                                             {"image", "p.jpg", "image/jpeg", jpeg}},
                                            boundary),
                        30'000});
  ASSERT_TRUE(up.ok() && up->status == 201) << (up.ok() ? up->body : up.status().ToString());

  EXPECT_EQ(crashing.Wait(), 87) << "the crash hook should have stopped the server: "
                                 << ReadFile(dir.Sub("s1.log")).value_or("");
  // Second start: the unrecorded delivery is made again, the rest go through.
  demo::ChildProcess server = serve("s2", false);
  ASSERT_TRUE(WaitFor(healthy, 30)) << ReadFile(dir.Sub("s2.log")).value_or("");
  auto finding = api.Get("/api/v1/assessments?task_id=" + task_id);
  ASSERT_TRUE(finding.ok());
  ASSERT_EQ((*finding)["assessments"].size(), 1u) << finding->dump();
  ASSERT_EQ((*finding)["assessments"][0]["outcome"], "finding") << finding->dump();
  const std::string assessment = (*finding)["assessments"][0]["id"];
  auto runs = [&] {
    auto r = api.Get("/api/v1/action-runs?assessment_id=" + assessment);
    return r.ok() ? (*r)["action_runs"] : Json::array();
  };
  ASSERT_TRUE(WaitFor(
      [&] {
        Json rs = runs();
        int ok = 0;
        for (const Json& r : rs) ok += r["status"] == "succeeded";
        return rs.size() == 3 && ok == 3;
      },
      60))
      << runs().dump(1) << ReadFile(dir.Sub("s2.log")).value_or("");

  // The case system closes the case: its status reaches the finding.
  {
    std::lock_guard<std::mutex> l(cases.mu);
    cases.case_status = "closed";
    cases.notes = "Fjernet";
  }
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const Json& r : runs()) {
          if (r["type"] == "open311" && r["result"].is_object() &&
              r["result"].value("status", "") == "closed") {
            return true;
          }
        }
        return false;
      },
      30))
      << runs().dump(1);

  // Each receiver: one event (by its key), however many deliveries.
  std::set<std::string> message_ids;
  for (const auto& m : mail.messages()) {
    std::smatch id;
    ASSERT_TRUE(std::regex_search(m.data, id, std::regex("Message-ID: <([^>]+)>")));
    message_ids.insert(id[1]);
  }
  std::set<std::string> refs;
  int case_posts = 0;
  {
    std::lock_guard<std::mutex> l(cases.mu);
    for (const auto& p : cases.posts) {
      std::smatch ref;
      const std::string d = p.count("description") ? p.at("description") : "";
      ASSERT_TRUE(std::regex_search(d, ref, std::regex("\\[Tilsyn ref ([^\\]]+)\\]"))) << d;
      refs.insert(ref[1]);
      ++case_posts;
    }
  }
  const auto hooks = (*hook)->SuccessesByKey();
  int hook_deliveries = 0;
  for (const auto& [key, n] : hooks) hook_deliveries += n;
  EXPECT_EQ(message_ids.size(), 1u);
  EXPECT_EQ(refs.size(), 1u);
  EXPECT_EQ(hooks.size(), 1u);
  const int accepted = static_cast<int>(mail.messages().size()) + (case_posts - 1) +
                       hook_deliveries;  // case_posts - 1: the first post was refused (503)
  for (const Json& d : (*hook)->Accepted()) {
    EXPECT_EQ(d["content_type"].get<std::string>().rfind("application/cloudevents+json", 0), 0u);
    auto event = ParseJson(d["body"].get<std::string>());
    ASSERT_TRUE(event.ok());
    EXPECT_EQ(CloudEventProblem(*event), "") << event->dump();
    EXPECT_EQ((*event)["type"], "dk.tilsyn.assessment.finding");
    EXPECT_EQ((*event)["id"], hooks.begin()->first);
  }
  // The attempt logs: every first attempt failed, and one attempt was cut off by the crash.
  int cut_off = 0;
  for (const Json& r : runs()) {
    ASSERT_GE(r["attempt_log"].size(), 2u) << r.dump();
    EXPECT_EQ(r["attempt_log"][0]["state"], "failed") << r.dump();
    for (const Json& a : r["attempt_log"]) cut_off += a["state"] == "started";
  }
  // The crash cut off the attempt whose success stopped the server, and perhaps one more in
  // flight on the other action thread; each cut-off delivery that reached its receiver was made
  // again, with the same key.
  EXPECT_GE(cut_off, 1);
  EXPECT_GE(accepted - 3, 1) << "the delivery the crash left unrecorded is made again";
  EXPECT_LE(accepted - 3, cut_off);
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0);
}

}  // namespace
}  // namespace tilsyn::testing
