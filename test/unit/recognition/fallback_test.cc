#include "recognition/fallback.h"

#include <gtest/gtest.h>

#include "fakes/fake_recognizer.h"

namespace tilsyn::recognition {
namespace {

using testing::FakeRecognizer;

class FallbackTest : public ::testing::Test {
 protected:
  RecognizeRequest Req(std::string data_class = "internal") {
    RecognizeRequest r;
    r.targets = {{"person", 0.6}};
    r.data_class = std::move(data_class);
    return r;
  }
  std::unique_ptr<Recognizer> Chain(std::vector<std::shared_ptr<Recognizer>> c) {
    return NewFallbackRecognizer("chain", std::move(c), &clock_);
  }
  FakeClock clock_;
  cv::Mat img_ = cv::Mat(32, 32, CV_8UC3, cv::Scalar::all(0));
};

TEST_F(FallbackTest, FirstGoodEnoughResultStopsTheChain) {
  auto a = std::make_shared<FakeRecognizer>("a");
  auto b = std::make_shared<FakeRecognizer>("b");
  a->ThenPerson(0.9);
  b->ThenPerson(0.95);
  auto r = Chain({a, b})->Recognize(img_, Req());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->good_enough);
  EXPECT_EQ(r->service, "a");
  EXPECT_EQ(b->calls(), 0);
  ASSERT_EQ(r->runs.size(), 1u);
  EXPECT_EQ(r->runs[0].service, "a");
}

TEST_F(FallbackTest, NotGoodEnoughMovesOnAndRecordsBothRuns) {
  auto a = std::make_shared<FakeRecognizer>("a");
  auto b = std::make_shared<FakeRecognizer>("b");
  a->ThenPerson(0.45, false).WithLatency(&clock_, 120);
  b->ThenPerson(0.9).WithLatency(&clock_, 30);
  const TimeMs t0 = clock_.NowMs();
  auto r = Chain({a, b})->Recognize(img_, Req());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(a->calls(), 1);
  EXPECT_EQ(b->calls(), 1);
  EXPECT_TRUE(r->good_enough);
  EXPECT_EQ(r->service, "b");
  ASSERT_EQ(r->runs.size(), 2u);
  EXPECT_EQ(r->runs[0].service, "a");
  EXPECT_FALSE(r->runs[0].good_enough);
  EXPECT_EQ(r->runs[0].started_ms, t0);
  EXPECT_EQ(r->runs[0].finished_ms, t0 + 120);
  EXPECT_EQ(r->runs[1].service, "b");
  EXPECT_TRUE(r->runs[1].good_enough);
  EXPECT_EQ(r->runs[1].started_ms, t0 + 120);
  EXPECT_EQ(r->runs[1].finished_ms, t0 + 150);
  ASSERT_EQ(r->detections.size(), 1u);
  EXPECT_DOUBLE_EQ(r->detections[0].score, 0.9);
}

TEST_F(FallbackTest, ErrorMovesOnAndIsRecorded) {
  auto a = std::make_shared<FakeRecognizer>("a");
  auto b = std::make_shared<FakeRecognizer>("b");
  a->ThenFail(Status::Unavailable("connection refused"));
  b->ThenPerson(0.9);
  auto r = Chain({a, b})->Recognize(img_, Req());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->good_enough);
  ASSERT_EQ(r->runs.size(), 2u);
  EXPECT_NE(r->runs[0].error.find("connection refused"), std::string::npos);
  EXPECT_TRUE(r->runs[1].error.empty());
  EXPECT_EQ(r->service, "b");
}

TEST_F(FallbackTest, SlowerThanTimeoutCountsAsTimeout) {
  auto a = std::make_shared<FakeRecognizer>("a");
  auto b = std::make_shared<FakeRecognizer>("b");
  a->ThenPerson(0.99).WithTimeout(1000).WithLatency(&clock_, 5000);
  b->ThenPerson(-1);  // nothing there, confidently
  auto r = Chain({a, b})->Recognize(img_, Req());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(b->calls(), 1);
  ASSERT_EQ(r->runs.size(), 2u);
  EXPECT_NE(r->runs[0].error.find("timeout"), std::string::npos);
  EXPECT_TRUE(r->runs[0].detections.empty());
  EXPECT_EQ(r->service, "b");
  EXPECT_TRUE(r->detections.empty());  // the late result is discarded
}

TEST_F(FallbackTest, NoneGoodEnoughReturnsLastSuccessfulNotGoodEnough) {
  auto a = std::make_shared<FakeRecognizer>("a");
  auto b = std::make_shared<FakeRecognizer>("b");
  a->ThenPerson(0.4, false);
  b->ThenFail(Status::DeadlineExceeded("slow"));
  auto r = Chain({a, b})->Recognize(img_, Req());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->good_enough);
  EXPECT_EQ(r->service, "a");
  EXPECT_EQ(r->runs.size(), 2u);
  ASSERT_EQ(r->detections.size(), 1u);
}

TEST_F(FallbackTest, AllFailingIsRetryableUnavailable) {
  auto a = std::make_shared<FakeRecognizer>("a");
  a->ThenFail(Status::Unavailable("down"));
  auto r = Chain({a})->Recognize(img_, Req());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_TRUE(r.status().retryable());
}

TEST_F(FallbackTest, InternalDataNeverReachesExternalService) {
  auto ext = std::make_shared<FakeRecognizer>("vendor", std::vector<std::string>{"person"},
                                              DataTerms::kExternal);
  auto local = std::make_shared<FakeRecognizer>("local");
  ext->ThenPerson(0.99);
  local->ThenPerson(0.4, false);
  auto r = Chain({ext, local})->Recognize(img_, Req("internal"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ext->calls(), 0);
  EXPECT_EQ(local->calls(), 1);
  ASSERT_EQ(r->runs.size(), 1u);
  EXPECT_EQ(r->runs[0].service, "local");
  EXPECT_FALSE(r->good_enough);
}

TEST_F(FallbackTest, ExternalDataClassMayUseExternalService) {
  auto ext = std::make_shared<FakeRecognizer>("vendor", std::vector<std::string>{"person"},
                                              DataTerms::kExternal);
  ext->ThenPerson(0.99);
  auto r = Chain({ext})->Recognize(img_, Req("external"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ext->calls(), 1);
  EXPECT_TRUE(r->good_enough);
}

TEST_F(FallbackTest, NoServiceCoveringTheLabelIsNotGoodEnoughWithoutRuns) {
  auto cars = std::make_shared<FakeRecognizer>("cars", std::vector<std::string>{"car"});
  cars->ThenDetect({{"car", 0.9, {}}}, true);
  auto r = Chain({cars})->Recognize(img_, Req());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->good_enough);
  EXPECT_TRUE(r->runs.empty());
  EXPECT_EQ(r->service, "");
  EXPECT_EQ(cars->calls(), 0);
}

TEST_F(FallbackTest, InfoUnionsLabels) {
  auto a = std::make_shared<FakeRecognizer>("a", std::vector<std::string>{"person"});
  auto b = std::make_shared<FakeRecognizer>("b", std::vector<std::string>{"car", "person"});
  auto chain = Chain({a, b});
  EXPECT_EQ(chain->info().name, "chain");
  EXPECT_EQ(chain->info().labels, (std::vector<std::string>{"person", "car"}));
}

TEST(TermsAllow, DataClassesAllowTheRightTerms) {
  EXPECT_TRUE(TermsAllow("local", DataTerms::kLocal));
  EXPECT_FALSE(TermsAllow("local", DataTerms::kInternal));
  EXPECT_FALSE(TermsAllow("local", DataTerms::kExternal));
  EXPECT_TRUE(TermsAllow("internal", DataTerms::kLocal));
  EXPECT_TRUE(TermsAllow("internal", DataTerms::kInternal));
  EXPECT_FALSE(TermsAllow("internal", DataTerms::kExternal));
  EXPECT_TRUE(TermsAllow("external", DataTerms::kExternal));
  EXPECT_FALSE(TermsAllow("bogus", DataTerms::kInternal));
}

}  // namespace
}  // namespace tilsyn::recognition
