// AnnotationStore over every backend: an observation's boxes replaced as one set, kept in the
// order saved, across a reopen, and listed by label.
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

}  // namespace
}  // namespace tilsyn::store::testing
