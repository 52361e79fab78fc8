#include "server/dataset_export.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "core/crypto.h"
#include "core/file_util.h"
#include "core/ids.h"
#include "fakes/fake_world.h"
#include "fakes/memory_blob_store.h"
#include "fakes/test_paths.h"
#include "imaging/jpeg.h"

namespace tilsyn::server {
namespace {

namespace fs = std::filesystem;
constexpr TimeMs kNow = 1'780'000'000'000;

class DatasetExport : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::OpenSqliteStore(dir_.Sub("tilsyn.db")).value();
    task_ = ::tilsyn::testing::ActiveTask(kNow);
    ::tilsyn::testing::CreateTaskWithJob(store_.get(), task_);
    vehicle_ = ::tilsyn::testing::MakeVehicle(store_.get(), kNow).id;
  }

  // An observation with a 400 x 200 image and the given boxes; its image deleted when asked.
  std::string Add(const std::vector<std::pair<std::string, cv::Rect>>& boxes,
                  bool deleted = false) {
    const store::Observation obs =
        ::tilsyn::testing::InsertObservation(store_.get(), task_, vehicle_, kNow);
    const std::string jpeg =
        imaging::EncodeJpeg(cv::Mat(200, 400, CV_8UC3, cv::Scalar(1, 2, 3))).value();
    EXPECT_TRUE(blobs_.Put(obs.blob_key, jpeg).ok());
    if (deleted) {
      EXPECT_TRUE(store_->MarkBlobDeleted(obs.blob_key, kNow, "retention").ok());
    }
    std::vector<store::Annotation> an;
    for (const auto& [label, r] : boxes) {
      an.push_back({obs.id, label, r.x, r.y, r.width, r.height, "ivan", kNow - 1000});
    }
    EXPECT_TRUE(store_->annotations().ReplaceAnnotations(obs.id, an).ok());
    return obs.id;
  }

  Result<DatasetExportSummary> Export(std::vector<std::string> labels = {}) {
    DatasetExportOptions o;
    o.out = out_;
    o.labels = std::move(labels);
    o.exported_by = "alice";
    o.now = kNow;
    return ExportDataset(*store_, blobs_, o);
  }

  ::tilsyn::testing::TempDir dir_;
  tasks::Task task_;
  std::string vehicle_;
  std::string out_ = dir_.Sub("set");
  std::unique_ptr<store::Store> store_;
  ::tilsyn::testing::MemoryBlobStore blobs_;
};

TEST_F(DatasetExport, WritesAYoloFolderWithProvenanceAndASplit) {
  const std::string a = Add({{"container", {100, 50, 40, 20}}, {"skip", {0, 0, 400, 200}}});
  for (int i = 0; i < 8; ++i) Add({{"container", {10 * i, 10, 30, 30}}});
  const std::string gone = Add({{"container", {1, 1, 5, 5}}}, /*deleted=*/true);
  auto sum = Export();
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ(sum->images, 9);
  EXPECT_EQ(sum->train + sum->val, 9);
  EXPECT_GE(sum->val, 1);
  EXPECT_EQ(sum->boxes, 10);
  EXPECT_EQ(sum->classes, (std::vector<std::string>{"container", "skip"}));
  ASSERT_EQ(sum->skipped.size(), 1u);
  EXPECT_EQ(sum->skipped[0]["observation_id"], gone);
  EXPECT_EQ(ReadFile(out_ + "/classes.txt").value(), "container\nskip\n");

  // The labelled image's boxes, normalised: centre (120, 60) of 400 x 200, size 40 x 20.
  const std::string split = fs::exists(out_ + "/labels/val/" + a + ".txt") ? "val" : "train";
  EXPECT_EQ(ReadFile(out_ + "/labels/" + split + "/" + a + ".txt").value(),
            "0 0.300000 0.300000 0.100000 0.100000\n1 0.500000 0.500000 1.000000 1.000000\n");
  const std::string image = ReadFile(out_ + "/images/" + split + "/" + a + ".jpg").value();
  EXPECT_EQ(image, blobs_.Get(a + ".jpg").value()) << "the stored (anonymized) image as it is";
  EXPECT_EQ(ReadFile(out_ + "/labels/" + split + "/classes.txt").value(), "container\nskip\n");

  const Json prov = ParseJson(ReadFile(out_ + "/provenance.json").value()).value();
  EXPECT_EQ(prov["exported_by"], "alice");
  EXPECT_EQ(prov["anonymized"], true);
  ASSERT_EQ(prov["images"].size(), 9u);
  bool found = false;
  for (const Json& i : prov["images"]) {
    if (i["observation_id"] != a) continue;
    found = true;
    EXPECT_EQ(i["sha256"], Sha256Hex(image));
    EXPECT_EQ(i["labelled_by"], Json::array({"ivan"}));
    EXPECT_EQ(i["task_id"], task_.id);
    EXPECT_EQ(i["boxes"], 2);
  }
  EXPECT_TRUE(found);
  EXPECT_NE(ReadFile(out_ + "/data.yaml").value().find("  1: skip\n"), std::string::npos);

  // The split is stable: a second export puts every image on the same side.
  const std::string first = out_;
  out_ = dir_.Sub("again");
  ASSERT_TRUE(Export().ok());
  for (const auto& e : fs::directory_iterator(first + "/images/val")) {
    EXPECT_TRUE(fs::exists(out_ + "/images/val/" + e.path().filename().string()));
  }
}

TEST_F(DatasetExport, ImagesSaidToHoldNoneOfTheClassesAreNegatives) {
  const std::string bench = Add({{"bench", {10, 10, 40, 40}}});
  // Looked at, and no bench here: a negative for benches.
  const std::string empty = Add({});
  ASSERT_TRUE(store_->annotations().SetCompleteLabels(empty, {"bench"}, "ida", kNow - 500).ok());
  // Complete for bins only: says nothing about benches.
  const std::string bins_only = Add({});
  ASSERT_TRUE(store_->annotations().SetCompleteLabels(bins_only, {"bin"}, "ida", kNow).ok());
  auto sum = Export();
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ(sum->images, 2);
  EXPECT_EQ(sum->negatives, 1);
  EXPECT_EQ(sum->classes, std::vector<std::string>{"bench"});
  const std::string split = fs::exists(out_ + "/labels/val/" + empty + ".txt") ? "val" : "train";
  EXPECT_EQ(ReadFile(out_ + "/labels/" + split + "/" + empty + ".txt").value(), "");
  EXPECT_TRUE(fs::exists(out_ + "/images/" + split + "/" + empty + ".jpg"));
  const Json prov = ParseJson(ReadFile(out_ + "/provenance.json").value()).value();
  int negatives = 0;
  for (const auto& img : prov["images"]) {
    EXPECT_NE(img["observation_id"], bins_only);
    if (img["observation_id"] == empty) {
      ++negatives;
      EXPECT_TRUE(img["negative"].get<bool>());
      EXPECT_EQ(img["labelled_by"], Json::array({"ida"}));
    } else {
      EXPECT_EQ(img["observation_id"], bench);
      EXPECT_FALSE(img["negative"].get<bool>());
    }
  }
  EXPECT_EQ(negatives, 1);
}

TEST_F(DatasetExport, FiltersLabelsAndRefusesAnExistingFolderOrNothingToExport) {
  EXPECT_EQ(Export().status().code(), Code::kFailedPrecondition);
  EXPECT_FALSE(fs::exists(out_)) << "nothing written";
  Add({{"container", {1, 1, 10, 10}}, {"skip", {20, 20, 10, 10}}});
  EXPECT_EQ(Export({"bollard"}).status().field(), "labels");
  auto only = Export({"skip"});
  ASSERT_TRUE(only.ok()) << only.status().ToString();
  EXPECT_EQ(only->boxes, 1);
  EXPECT_EQ(ReadFile(out_ + "/classes.txt").value(), "skip\n");
  auto again = Export();
  EXPECT_EQ(again.status().field(), "--out") << "an existing folder is never overwritten";
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir_.path())) {
    entries += e.path().filename().string().find("partial") != std::string::npos;
  }
  EXPECT_EQ(entries, 0) << "no half-written folder is left";
}

}  // namespace
}  // namespace tilsyn::server
