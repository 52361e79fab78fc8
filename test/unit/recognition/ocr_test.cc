// The "ocr" recognizer (Tesseract 5, Danish + English) on real text images.
#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "recognition/registry.h"
#include "tasks/rules.h"
#include "tasks/text_match.h"

namespace tilsyn::recognition {
namespace {

const char kPage[] = "/usr/share/doc/opencv-doc/examples/data/imageTextN.png";
const char kStreet[] = "/usr/share/darknet/data/dog.jpg";

RecognizeRequest TextRequest() {
  RecognizeRequest r;
  r.targets = {{"text", 0.5}};
  return r;
}

class OcrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RegisterBuiltins(registry_);
    auto ocr = registry_.Create("ocr", "ocr", Json::object());
    if (!ocr.ok() && ocr.status().code() == Code::kFailedPrecondition) {
      GTEST_SKIP() << ocr.status().ToString();
    }
    ASSERT_TRUE(ocr.ok()) << ocr.status().ToString();
    ocr_ = std::move(*ocr);
  }
  Registry registry_;
  std::unique_ptr<Recognizer> ocr_;
};

TEST_F(OcrTest, ReadsTheLinesOfAPrintedPage) {
  if (!std::filesystem::exists(kPage)) GTEST_SKIP() << "opencv-doc missing";
  const cv::Mat page = cv::imread(kPage, cv::IMREAD_COLOR);
  // A page in layout mode at its own resolution (quick); street signs use the defaults.
  auto page_ocr = registry_.Create("ocr", "ocr-page", Json{{"psm", 3}, {"min_side", 0}, {"languages", "eng"}});
  ASSERT_TRUE(page_ocr.ok());
  auto r = (*page_ocr)->Recognize(page, TextRequest());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_GE(r->detections.size(), 8u);
  std::vector<std::string> lines;
  for (const auto& d : r->detections) {
    EXPECT_EQ(d.label, "text");
    EXPECT_GE(d.score, 0.0);
    EXPECT_LE(d.score, 1.0);
    lines.push_back(d.text);
  }
  // The first line of the page, and its box at the top.
  EXPECT_GE(tasks::BestTextMatch("technical details are too complex to cover in the book itself",
                                 lines),
            0.9);
  const auto top = std::min_element(r->detections.begin(), r->detections.end(),
                                    [](const auto& a, const auto& b) { return a.box.y < b.box.y; });
  EXPECT_LT(top->box.y, 30);
  EXPECT_GT(top->score, 0.7) << top->text;
  EXPECT_TRUE(r->good_enough);
}

// A white sign with black lettering pasted on a real street photo, as a text task sees it.
TEST_F(OcrTest, ReadsADanishSignAndTheTextRuleMatchesIt) {
  if (!std::filesystem::exists(kStreet)) GTEST_SKIP() << "darknet data missing";
  cv::Mat img = cv::imread(kStreet, cv::IMREAD_COLOR);
  const cv::Rect sign(420, 200, 300, 110);
  cv::rectangle(img, sign, cv::Scalar(255, 255, 255), cv::FILLED);
  cv::rectangle(img, sign, cv::Scalar(0, 0, 0), 3);
  cv::putText(img, "PARKERING", {440, 245}, cv::FONT_HERSHEY_DUPLEX, 1.2, cv::Scalar(0, 0, 0), 2,
              cv::LINE_AA);
  cv::putText(img, "FORBUDT", {455, 292}, cv::FONT_HERSHEY_DUPLEX, 1.2, cv::Scalar(0, 0, 0), 2,
              cv::LINE_AA);
  auto r = ocr_->Recognize(img, TextRequest());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  tasks::Task task;
  task.kind = tasks::TaskKind::kText;
  task.targets = {{"text", 0.5}};
  task.rule.expected_text = "Parkering forbudt";
  auto ok = tasks::Assess(task, r->detections, r->good_enough);
  EXPECT_EQ(ok.outcome, tasks::Outcome::kOk) << ok.reason;
  // Sign lines lie inside the sign.
  bool inside = false;
  for (const auto& d : r->detections) {
    const cv::Rect b(d.box.x, d.box.y, d.box.w, d.box.h);
    if ((b & sign) == b && d.score >= 0.5) inside = true;
  }
  EXPECT_TRUE(inside);
  task.rule.expected_text = "Stoppested";
  EXPECT_EQ(tasks::Assess(task, r->detections, r->good_enough).outcome, tasks::Outcome::kFinding);
}

TEST_F(OcrTest, FindsNoConfidentTextInABlankImage) {
  const cv::Mat blank(300, 400, CV_8UC3, cv::Scalar(128, 128, 128));
  auto r = ocr_->Recognize(blank, TextRequest());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->detections.empty());
  EXPECT_TRUE(r->good_enough);  // confidently absent
}

TEST(OcrSettings, NameTheBadField) {
  Registry reg;
  RegisterBuiltins(reg);
  auto a = reg.Create("ocr", "o", Json{{"psm", 0}});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().field(), "settings.psm");
  auto b = reg.Create("ocr", "o", Json{{"languages", "../etc"}});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().field(), "settings.languages");
  auto c = reg.Create("ocr", "o", Json{{"languages", "xxx"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kFailedPrecondition);
}

}  // namespace
}  // namespace tilsyn::recognition
