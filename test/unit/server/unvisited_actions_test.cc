// Sites nobody visits trigger their "unvisited" actions: one run per action and overdue period,
// queued once however often the check runs, reset by a visit; the payload for each receiver (a
// CloudEvent, an e-mail, an Open311 request) and the run in the action-run list.
#include "server/unvisited_actions.h"

#include <gtest/gtest.h>

#include <mutex>

#include "actions/action.h"
#include "actions/email_message.h"
#include "core/time_format.h"
#include "fakes/fake_world.h"
#include "fakes/open311_server.h"
#include "unit/server/api_fixture.h"

namespace tilsyn::server::testing {
namespace {

constexpr TimeMs kDay = 86'400'000;

tasks::Task Lonely(TimeMs now) {
  tasks::Task t = ::tilsyn::testing::ActiveTask(now);
  t.title = "Skilt på Jagtvej";
  t.schedule.valid_from = now - 10 * kDay;
  t.revisit_days = 3;
  tasks::ActionSpec email;
  email.type = "email";
  email.on_unvisited = true;
  email.to = {"inspektor@kk.dk", "vej@kk.dk"};
  tasks::ActionSpec hook;
  hook.type = "webhook";
  hook.url = "http://127.0.0.1:9/hook";
  hook.on = {tasks::Outcome::kFinding};
  hook.on_unvisited = true;
  t.actions.push_back(email);  // [0] is the fixture's log action on every outcome only
  t.actions.push_back(hook);
  return t;
}

TEST(UnvisitedRuns, AnOverdueSiteGetsOneRunPerUnvisitedActionWithItsPayload) {
  const TimeMs now = kNow;
  const tasks::Task t = Lonely(now);
  // Seen two days ago: not yet due.
  EXPECT_TRUE(UnvisitedRuns(t, now - 2 * kDay, now, nullptr).empty());
  const auto runs = UnvisitedRuns(t, now - 5 * kDay, now, nullptr);
  ASSERT_EQ(runs.size(), 2u) << "the log action has no unvisited trigger";
  const store::ActionRunRecord& mail = runs[0];
  EXPECT_EQ(mail.type, "email");
  EXPECT_EQ(mail.assessment_id, "");
  EXPECT_EQ(mail.target, "inspektor@kk.dk,vej@kk.dk");
  const std::string due = std::to_string(now - 2 * kDay);
  EXPECT_EQ(mail.idempotency_key, t.id + ":unvisited:" + due + ":1");
  EXPECT_EQ(mail.payload["event"], "unvisited");
  EXPECT_EQ(mail.payload["reason_code"], "no_coverage");
  EXPECT_EQ(mail.payload["due_since"], FormatIso8601(now - 2 * kDay));
  EXPECT_EQ(mail.payload["last_observation_at"], FormatIso8601(now - 5 * kDay));
  EXPECT_NEAR(mail.payload["lat"].get<double>(), ::tilsyn::testing::kSite.lat, 1e-6);
  EXPECT_NEAR(mail.payload["lon"].get<double>(), ::tilsyn::testing::kSite.lon, 1e-6);
  EXPECT_EQ(mail.next_attempt_ms, now);

  // The e-mail says so in Danish, with the due date and a link to the task, not to a finding.
  const actions::EmailMessage m =
      actions::FormatEmail(mail.payload, mail.idempotency_key, "tilsyn@kk.dk", mail.target,
                           "https://tilsyn.kk.dk/", now);
  EXPECT_EQ(m.subject, "[Tilsyn] Ikke besøgt: Skilt på Jagtvej");
  EXPECT_NE(m.body.find("Resultat: Ikke besøgt\r\n"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("Besøg forfaldent siden: " + FormatIso8601(now - 2 * kDay)),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("Åbn opgaven i Tilsyn: https://tilsyn.kk.dk/#/tasks/" + t.id),
            std::string::npos)
      << m.body;
  EXPECT_EQ(m.body.find("#/findings/"), std::string::npos);
  Json never = mail.payload;
  never["last_observation_at"] = nullptr;
  never["language"] = "en";
  const actions::EmailMessage en =
      actions::FormatEmail(never, mail.idempotency_key, "tilsyn@kk.dk", mail.target, "", now);
  EXPECT_NE(en.body.find("Last observation: none yet"), std::string::npos) << en.body;

  // The webhook's CloudEvent.
  const Json& ce = runs[1].payload;
  EXPECT_EQ(ce["specversion"], "1.0");
  EXPECT_EQ(ce["type"], "dk.tilsyn.site.unvisited");
  EXPECT_EQ(ce["subject"], "tasks/" + t.id);
  EXPECT_EQ(ce["id"], runs[1].idempotency_key);
  EXPECT_EQ(ce["data"]["task_title"], "Skilt på Jagtvej");

  // A paused task, or one without the wish, triggers nothing.
  tasks::Task paused = t;
  paused.status = tasks::TaskStatus::kPaused;
  EXPECT_TRUE(UnvisitedRuns(paused, std::nullopt, now, nullptr).empty());
}

TEST(UnvisitedActions, QueuedOncePerOverduePeriodAndDeliveredToTheCaseSystem) {
  ::tilsyn::testing::TempDir dir;
  FakeClock clock(kNow);
  auto store = store::OpenSqliteStore(dir.Sub("tilsyn.db")).value();
  ::tilsyn::testing::CaseSystem cases;
  cases.Start();
  tasks::Task t = Lonely(clock.NowMs());
  tasks::ActionSpec open311;
  open311.type = "open311";
  open311.url = cases.Url();
  open311.service_code = "skilt";
  open311.on_unvisited = true;
  t.actions = {open311};
  ::tilsyn::testing::CreateTaskWithJob(store.get(), t);
  tasks::Task other = ::tilsyn::testing::ActiveTask(clock.NowMs());  // no wish: never flagged
  ::tilsyn::testing::CreateTaskWithJob(store.get(), other);

  EXPECT_EQ(QueueUnvisitedActions(store.get(), nullptr, clock.NowMs()).value(), 1);
  EXPECT_EQ(QueueUnvisitedActions(store.get(), nullptr, clock.NowMs()).value(), 0)
      << "a repeated check (another worker) queues nothing new";
  clock.Advance(kDay);
  EXPECT_EQ(QueueUnvisitedActions(store.get(), nullptr, clock.NowMs()).value(), 0)
      << "still the same overdue period";

  actions::Dispatcher dispatcher(store.get(), &clock, actions::DispatcherOptions{});
  dispatcher.Register("open311", actions::NewOpen311Action(
                                     [](const store::ActionRunRecord&) {
                                       return actions::Open311Settings{"skilt", "", ""};
                                     },
                                     "https://tilsyn.kk.dk", 5000, &clock));
  ASSERT_EQ(dispatcher.RunDue().value(), 1);
  auto runs = store->ListActionRuns(std::nullopt, 10).value();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, store::ActionStatus::kSucceeded) << runs[0].last_error;
  EXPECT_EQ(runs[0].assessment_id, "");
  {
    std::lock_guard<std::mutex> l(cases.mu);
    ASSERT_EQ(cases.posts.size(), 1u);
    const std::string& d = cases.posts[0]["description"];
    EXPECT_NE(d.find("Skilt på Jagtvej: no observation for more than 3 days"), std::string::npos)
        << d;
    EXPECT_NE(d.find("visit due since"), std::string::npos) << d;
    EXPECT_NE(d.find("https://tilsyn.kk.dk/#/tasks/" + t.id), std::string::npos) << d;
    EXPECT_EQ(cases.posts[0]["lat"], "55.6761000");
  }

  // A visit resets the period; when it passes again, a new run is queued.
  const store::Vehicle v = ::tilsyn::testing::MakeVehicle(store.get(), clock.NowMs());
  ::tilsyn::testing::InsertObservation(store.get(), t, v.id, clock.NowMs(),
                                       store::ObservationState::kDone);
  clock.Advance(2 * kDay);
  EXPECT_EQ(QueueUnvisitedActions(store.get(), nullptr, clock.NowMs()).value(), 0);
  clock.Advance(2 * kDay);
  EXPECT_EQ(QueueUnvisitedActions(store.get(), nullptr, clock.NowMs()).value(), 1);
  EXPECT_EQ(store->ListActionRuns(std::nullopt, 10)->size(), 2u);
}

TEST_F(ApiTest, AnUnvisitedRunIsListedWithoutAnAssessment) {
  Json body = ValidTaskJson();
  body["revisit_days"] = 2;
  body["schedule"]["valid_from"] = FormatIso8601(kNow - 5 * kDay);
  body["actions"] = Json::array({{{"type", "log"}, {"on", {"finding", "unvisited"}}}});
  const std::string id = CreateActiveTask(body);
  Reply task = Call("GET", "/api/v1/tasks/" + id, inspector_);
  EXPECT_EQ(task.json["actions"][0]["on"], Json::array({"finding", "unvisited"}));
  ASSERT_EQ(QueueUnvisitedActions(store_.get(), nullptr, kNow).value(), 1);
  Reply runs = Call("GET", "/api/v1/action-runs", inspector_);
  ASSERT_EQ(runs.status, 200) << runs.raw.body;
  ASSERT_EQ(runs.json["action_runs"].size(), 1u);
  const Json& r = runs.json["action_runs"][0];
  EXPECT_TRUE(r["assessment_id"].is_null());
  EXPECT_EQ(r["trigger"], "unvisited");
  EXPECT_EQ(r["task_id"], id);
  EXPECT_EQ(r["payload"]["reason_code"], "no_coverage");
  // Without revisit_days the trigger is refused, naming the action.
  body.erase("revisit_days");
  EXPECT_EQ(Call("POST", "/api/v1/tasks", inspector_, body).ErrorField(), "actions[0].on");
}

}  // namespace
}  // namespace tilsyn::server::testing
