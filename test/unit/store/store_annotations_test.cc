// AnnotationStore over every backend: an observation's boxes replaced as one set, kept in the
// order saved, across a reopen, and listed by label; the labels an image's boxes are complete
// for.
#include "store/store.h"
#include "unit/store/store_fixture.h"

namespace tilsyn::store::testing {
namespace {

Annotation Box(const std::string& obs, const std::string& label, int x) {
  Annotation a;
  a.observation_id = obs;
  a.label = label;
  a.x = x;
  a.y = 5;
  a.w = 30;
  a.h = 20;
  a.labelled_by = "ivan";
  a.labelled_ms = kT0;
  return a;
}

TEST_P(StoreTest, AnnotationsAreReplacedAsASetAndListedByLabel) {
  AnnotationStore& an = store_->annotations();
  ASSERT_TRUE(an.ReplaceAnnotations("o2", {Box("o2", "skip", 1), Box("o2", "container", 2)}).ok());
  ASSERT_TRUE(an.ReplaceAnnotations("o1", {Box("o1", "container", 3)}).ok());
  Reopen();
  AnnotationStore& again = store_->annotations();
  auto o2 = again.AnnotationsFor("o2").value();
  ASSERT_EQ(o2.size(), 2u);
  EXPECT_EQ(o2[0].label, "skip");
  EXPECT_EQ(o2[1].x, 2);
  EXPECT_EQ(o2[1].labelled_by, "ivan");
  EXPECT_EQ(o2[1].labelled_ms, kT0);
  auto containers = again.ListAnnotations(std::string("container")).value();
  ASSERT_EQ(containers.size(), 2u);
  EXPECT_EQ(containers[0].observation_id, "o1");
  EXPECT_EQ(again.ListAnnotations(std::nullopt).value().size(), 3u);
  ASSERT_TRUE(again.ReplaceAnnotations("o2", {}).ok());
  EXPECT_TRUE(again.AnnotationsFor("o2").value().empty());
  EXPECT_EQ(again.ListAnnotations(std::nullopt).value().size(), 1u);
}

TEST_P(StoreTest, TheLabelsAnImageIsCompleteForAreKeptAsOneSet) {
  AnnotationStore& an = store_->annotations();
  EXPECT_TRUE(an.CompleteLabels(std::nullopt).value().empty());
  ASSERT_TRUE(an.SetCompleteLabels("o1", {"bench", "bin", "bench"}, "ivan", kT0).ok());
  ASSERT_TRUE(an.SetCompleteLabels("o2", {"bench"}, "ida", kT0 + 1).ok());
  Reopen();
  AnnotationStore& again = store_->annotations();
  auto all = again.CompleteLabels(std::nullopt).value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all["o1"].labels, (std::vector<std::string>{"bench", "bin"}));  // sorted, once each
  EXPECT_EQ(all["o1"].marked_by, "ivan");
  EXPECT_EQ(all["o2"].marked_ms, kT0 + 1);
  auto one = again.CompleteLabels(std::string("o2")).value();
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one.begin()->first, "o2");
  // Replaced as a set; empty removes it.
  ASSERT_TRUE(again.SetCompleteLabels("o1", {"skip"}, "ivan", kT0 + 2).ok());
  EXPECT_EQ(again.CompleteLabels(std::string("o1")).value()["o1"].labels,
            std::vector<std::string>{"skip"});
  ASSERT_TRUE(again.SetCompleteLabels("o1", {}, "ivan", kT0 + 3).ok());
  EXPECT_TRUE(again.CompleteLabels(std::string("o1")).value().empty());
}

}  // namespace
}  // namespace tilsyn::store::testing
