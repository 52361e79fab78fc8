// The e-mail action end to end against an SMTP sink on loopback (test/fakes/smtp_sink.h): the
// message's facts in Danish and English, no image, the idempotency key as Message-ID, AUTH,
// and SMTP's split between deferred (retried) and refused (failed for good) deliveries.
#include <gtest/gtest.h>

#include "actions/action.h"
#include "actions/email_message.h"
#include "core/clock.h"
#include "fakes/smtp_sink.h"

namespace tilsyn::actions {
namespace {

using ::tilsyn::testing::SmtpSink;

Json Payload(const std::string& language) {
  return {{"assessment_id", "a-123"},
          {"observation_id", "o-9"},
          {"task_id", "t-1"},
          {"task_title", "Container på Jagtvej 69"},
          {"outcome", "finding"},
          {"reason", "object on the site and no permit within 40 m"},
          {"captured_at", "2026-12-06T12:10:00.000Z"},
          {"lat", 55.6961},
          {"lon", 12.5432},
          {"counts", {{"change", 1}}},
          {"idempotency_key", "a-123:0"},
          {"language", language},
          {"time_zone", "Europe/Copenhagen"}};
}

TEST(EmailMessage, CarriesTheFactsInDanishAndEnglishAndNoImage) {
  const EmailMessage da = FormatEmail(Payload("da"), "a-123:0", "tilsyn@kk.dk", "a@kk.dk",
                                      "https://tilsyn.kk.dk/", 1'796'558'400'000);
  EXPECT_EQ(da.subject, "[Tilsyn] Fund: Container på Jagtvej 69");
  EXPECT_NE(da.body.find("Resultat: Fund\r\n"), std::string::npos) << da.body;
  EXPECT_NE(da.body.find("Begrundelse: object on the site and no permit within 40 m"), std::string::npos);
  EXPECT_NE(da.body.find("2026-12-06T12:10:00.000Z (13:10 Europe/Copenhagen)"), std::string::npos) << da.body;
  EXPECT_NE(da.body.find("https://www.openstreetmap.org/?mlat=55.696100&mlon=12.543200"), std::string::npos);
  EXPECT_NE(da.body.find("Åbn fundet i Tilsyn: https://tilsyn.kk.dk/#/findings/a-123"), std::string::npos);
  EXPECT_NE(da.body.find("Billedet er ikke vedhæftet"), std::string::npos);
  EXPECT_NE(da.rfc5322.find("Message-ID: <a-123:0@kk.dk>\r\n"), std::string::npos);
  EXPECT_NE(da.rfc5322.find("Subject: =?UTF-8?B?"), std::string::npos) << "non-ASCII subject encoded";
  EXPECT_NE(da.rfc5322.find("Content-Type: text/plain; charset=UTF-8"), std::string::npos);
  EXPECT_EQ(da.rfc5322.find("image/"), std::string::npos) << "never the image";
  EXPECT_EQ(da.rfc5322.find("multipart"), std::string::npos);

  const EmailMessage en = FormatEmail(Payload("en"), "a-123:0", "tilsyn@kk.dk", "a@kk.dk", "",
                                      1'796'558'400'000);
  EXPECT_EQ(en.subject, "[Tilsyn] Finding: Container på Jagtvej 69");
  EXPECT_NE(en.body.find("Outcome: Finding"), std::string::npos);
  EXPECT_EQ(en.body.find("#/findings/"), std::string::npos) << "no web URL, no link";
}

TEST(EmailMessage, AContractorIsAddressedAndGivenTheDeadline) {
  Json p = Payload("da");
  p["contractor"] = "Vejfirmaet A/S";
  p["deadline"] = "2026-12-13";
  const EmailMessage m = FormatEmail(p, "a-123:0", "tilsyn@kk.dk", "drift@vejfirmaet.dk", "", 0);
  EXPECT_EQ(m.body.rfind("Til: Vejfirmaet A/S\r\n", 0), 0u) << m.body;
  EXPECT_NE(m.body.find("Forholdet bedes bragt i orden senest: 2026-12-13"), std::string::npos);
}

class EmailActionTest : public ::testing::Test {
 protected:
  AttemptResult Send(const std::string& to, const std::string& tls = "none",
                     const std::string& user = "") {
    EmailOptions o;
    o.smtp.url = sink_.url();
    o.smtp.from = "tilsyn@kk.dk";
    o.smtp.tls = tls;
    o.smtp.username = user;
    o.smtp.password = "hemmeligt";
    o.smtp.timeout_ms = 10'000;
    o.web_url = "https://tilsyn.kk.dk";
    auto action = NewEmailAction(o, &clock_);
    store::ActionRunRecord run;
    run.type = "email";
    run.target = to;
    run.idempotency_key = "a-123:0";
    run.payload = Payload("en");
    return action->Attempt(run);
  }
  SmtpSink sink_;
  FakeClock clock_;
};

TEST_F(EmailActionTest, DeliversOneMessageToEveryRecipientWithAuth) {
  const AttemptResult r = Send("inspector@kk.dk,contractor@example.dk", "none", "tilsyn");
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.status_code, 250);
  auto msgs = sink_.messages();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].from, "tilsyn@kk.dk");
  EXPECT_EQ(msgs[0].recipients, (std::vector<std::string>{"inspector@kk.dk", "contractor@example.dk"}));
  EXPECT_EQ(msgs[0].auth_user, "tilsyn");
  EXPECT_EQ(msgs[0].auth_password, "hemmeligt");
  EXPECT_NE(msgs[0].data.find("Message-ID: <a-123:0@kk.dk>"), std::string::npos);
  EXPECT_NE(msgs[0].data.find("Open the finding in Tilsyn: https://tilsyn.kk.dk/#/findings/a-123"),
            std::string::npos)
      << msgs[0].data;
}

TEST_F(EmailActionTest, ADeferredDeliveryIsRetriedARefusedOneFailsForGood) {
  sink_.ReplyToRecipient("busy@kk.dk", 451);
  AttemptResult deferred = Send("busy@kk.dk");
  EXPECT_FALSE(deferred.error.empty());
  EXPECT_TRUE(deferred.retryable) << deferred.error;
  sink_.ReplyToRecipient("nobody@kk.dk", 550);
  AttemptResult refused = Send("nobody@kk.dk");
  EXPECT_FALSE(refused.error.empty());
  EXPECT_FALSE(refused.retryable) << refused.error;
  EXPECT_NE(refused.error.find("550"), std::string::npos) << refused.error;
  EXPECT_TRUE(sink_.messages().empty());
}

TEST_F(EmailActionTest, RequiredStartTlsAgainstAServerWithoutItSendsNothing) {
  AttemptResult r = Send("inspector@kk.dk", "starttls", "tilsyn");
  EXPECT_FALSE(r.error.empty());
  EXPECT_FALSE(r.retryable) << "a configuration problem, not an outage: " << r.error;
  EXPECT_TRUE(sink_.messages().empty()) << "no credentials, no message in the clear";
}

TEST(EmailAction, AnUnreachableServerIsRetried) {
  FakeClock clock;
  EmailOptions o;
  {
    SmtpSink gone;
    o.smtp.url = gone.url();
  }
  o.smtp.from = "tilsyn@kk.dk";
  o.smtp.tls = "none";
  o.smtp.timeout_ms = 5'000;
  store::ActionRunRecord run;
  run.target = "a@kk.dk";
  run.payload = Payload("da");
  const AttemptResult r = NewEmailAction(o, &clock)->Attempt(run);
  EXPECT_FALSE(r.error.empty());
  EXPECT_TRUE(r.retryable) << r.error;
}

}  // namespace
}  // namespace tilsyn::actions
