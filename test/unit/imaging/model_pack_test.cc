#include "imaging/model_pack.h"

#include <gtest/gtest.h>

#include "core/file_util.h"
#include "fakes/test_paths.h"

namespace tilsyn::imaging {
namespace {

class ModelPackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(WriteFileAtomic(dir_.Sub("m.onnx"), "x").ok());
    ASSERT_TRUE(WriteFileAtomic(dir_.Sub("m.cfg"), "x").ok());
    ASSERT_TRUE(WriteFileAtomic(dir_.Sub("names.txt"), "person\ncar\r\n\nbus\n").ok());
  }
  void Manifest(const std::string& text) {
    ASSERT_TRUE(WriteFileAtomic(dir_.Sub("manifest.json"), text).ok());
  }
  testing::TempDir dir_;
};

TEST_F(ModelPackTest, ParsesEveryDocumentedField) {
  Manifest(R"({"name": "p", "models": [{
      "name": "street", "file": "m.onnx", "format": "onnx", "decoder": "yolo",
      "input": {"width": 640, "height": 384, "scale": 0.5, "mean": [1, 2, 3],
                "swap_rb": false, "letterbox": true},
      "labels_file": "names.txt", "label_map": {"car": "vehicle", "bus": ""},
      "thresholds": {"vehicle": 0.4}, "default_threshold": 0.6, "nms_iou": 0.5, "tile_grid": 2,
      "nms_containment": 0.9, "label_quality": {"vehicle": {"ap50": 0.57}},
      "purpose": ["anonymization"], "licence": "MIT", "card": "names.txt"}]})");
  auto pack = LoadModelPack(dir_.path());
  ASSERT_TRUE(pack.ok()) << pack.status().ToString();
  EXPECT_EQ(pack->name, "p");
  ASSERT_EQ(pack->models.size(), 1u);
  const ModelSpec& s = pack->models[0];
  EXPECT_EQ(s.file, dir_.Sub("m.onnx"));
  EXPECT_EQ(s.input.width, 640);
  EXPECT_EQ(s.input.height, 384);
  EXPECT_DOUBLE_EQ(s.input.scale, 0.5);
  EXPECT_EQ(s.input.mean, (std::vector<double>{1, 2, 3}));
  EXPECT_FALSE(s.input.swap_rb);
  EXPECT_TRUE(s.input.letterbox);
  EXPECT_TRUE(s.input.upscale);  // the default
  EXPECT_EQ(s.labels, (std::vector<std::string>{"person", "car", "bus"}));
  EXPECT_EQ(s.MapLabel("car"), "vehicle");
  EXPECT_EQ(s.MapLabel("bus"), "");
  EXPECT_EQ(s.MapLabel("person"), "person");
  EXPECT_DOUBLE_EQ(s.ThresholdFor("vehicle"), 0.4);
  EXPECT_DOUBLE_EQ(s.ThresholdFor("person"), 0.6);
  EXPECT_DOUBLE_EQ(s.nms_iou, 0.5);
  EXPECT_EQ(s.tile_grid, 2);
  EXPECT_DOUBLE_EQ(s.nms_containment, 0.9);
  EXPECT_EQ(s.label_quality.at("vehicle")["ap50"], 0.57);
  EXPECT_TRUE(s.HasPurpose("anonymization"));
  EXPECT_FALSE(s.HasPurpose("recognition"));
  EXPECT_EQ(s.licence, "MIT");
  EXPECT_EQ(s.card, dir_.Sub("names.txt"));
}

TEST_F(ModelPackTest, MissingManifestIsNotFound) {
  auto pack = LoadModelPack(dir_.path());
  EXPECT_EQ(pack.status().code(), Code::kNotFound);
  EXPECT_EQ(LoadModelPack(dir_.Sub("nope")).status().code(), Code::kNotFound);
}

TEST_F(ModelPackTest, BadDecoderIsNamed) {
  Manifest(R"({"models": [
      {"name": "a", "file": "m.onnx", "format": "onnx", "decoder": "yolo", "labels": ["x"]},
      {"name": "b", "file": "m.onnx", "format": "onnx", "decoder": "magic", "labels": ["x"]}]})");
  auto pack = LoadModelPack(dir_.path());
  ASSERT_FALSE(pack.ok());
  EXPECT_EQ(pack.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(pack.status().field(), "models[1].decoder");
}

TEST_F(ModelPackTest, MissingModelFileIsNamed) {
  Manifest(R"({"models": [{"name": "a", "file": "gone.onnx", "format": "onnx",
                            "decoder": "ssd", "labels": ["x"]}]})");
  auto pack = LoadModelPack(dir_.path());
  EXPECT_EQ(pack.status().field(), "models[0].file");
}

TEST_F(ModelPackTest, DarknetNeedsConfigAndThresholdsAreBounded) {
  Manifest(R"({"models": [{"name": "a", "file": "m.onnx", "format": "darknet",
                            "decoder": "yolo", "labels": ["x"]}]})");
  EXPECT_EQ(LoadModelPack(dir_.path()).status().field(), "models[0].config");
  Manifest(R"({"models": [{"name": "a", "file": "m.onnx", "format": "onnx", "decoder": "yolo",
                            "labels": ["x"], "thresholds": {"x": 1.5}}]})");
  EXPECT_EQ(LoadModelPack(dir_.path()).status().field(), "models[0].thresholds.x");
  Manifest(R"({"models": [{"name": "a", "file": "m.onnx", "format": "onnx", "decoder": "yolo"}]})");
  EXPECT_EQ(LoadModelPack(dir_.path()).status().field(), "models[0].labels");
  Manifest(R"({"models": [{"name": "a", "file": "m.onnx", "format": "onnx", "decoder": "yolo",
                            "labels": ["x"], "tile_grid": 5}]})");
  EXPECT_EQ(LoadModelPack(dir_.path()).status().field(), "models[0].tile_grid");
  Manifest(R"({"models": [{"name": "a", "file": "m.onnx", "format": "onnx", "decoder": "yolo",
                            "labels": ["x"], "tile_grid": 2, "tile_trigger": 1}]})");
  EXPECT_EQ(LoadModelPack(dir_.path()).status().field(), "models[0].tile_trigger");
  Manifest(R"({"models": [{"name": "a", "file": "m.onnx", "format": "onnx", "decoder": "yolo",
                            "labels": ["x"]}]})");
  EXPECT_EQ(LoadModelPack(dir_.path())->models[0].tile_grid, 1);     // whole frame only
  EXPECT_EQ(LoadModelPack(dir_.path())->models[0].tile_trigger, 0);  // every tile when tiled
}

TEST_F(ModelPackTest, UpscaleOffIsReadAndRefusedWithTiles) {
  Manifest(R"({"models": [{"name": "a", "file": "m.onnx", "format": "onnx", "decoder": "yolo",
                            "labels": ["x"], "input": {"letterbox": true, "upscale": false}}]})");
  auto pack = LoadModelPack(dir_.path());
  ASSERT_TRUE(pack.ok()) << pack.status().ToString();
  EXPECT_FALSE(pack->models[0].input.upscale);
  // Tiles exist to be enlarged to the input: without upscaling they would add nothing.
  Manifest(R"({"models": [{"name": "a", "file": "m.onnx", "format": "onnx", "decoder": "yolo",
                            "labels": ["x"], "tile_grid": 2,
                            "input": {"letterbox": true, "upscale": false}}]})");
  EXPECT_EQ(LoadModelPack(dir_.path()).status().field(), "models[0].tile_grid");
  Manifest(R"({"models": [{"name": "a", "file": "m.onnx", "format": "onnx", "decoder": "yolo",
                            "labels": ["x"], "input": {"upscale": "no"}}]})");
  EXPECT_EQ(LoadModelPack(dir_.path()).status().field(), "models[0].input.upscale");
}

TEST_F(ModelPackTest, VerifierIsReadWithDefaultsAndItsBadFieldsNamed) {
  auto with = [&](const std::string& verifier) {
    Manifest(R"({"models": [{"name": "a", "file": "m.onnx", "format": "onnx", "decoder": "yolo",
                              "labels": ["x"], "verifier": )" +
             verifier + "}]}");
    return LoadModelPack(dir_.path());
  };
  auto pack = with(R"({"file": "m.onnx", "label": "plate", "threshold": 0.3, "keep_above": 0.5,
                       "width": 64, "height": 24, "grow": 0.2})");
  ASSERT_TRUE(pack.ok()) << pack.status().ToString();
  ASSERT_TRUE(pack->models[0].verifier.has_value());
  const BoxVerifierSpec& v = *pack->models[0].verifier;
  EXPECT_EQ(v.file, dir_.Sub("m.onnx"));
  EXPECT_EQ(v.label, "plate");
  EXPECT_DOUBLE_EQ(v.threshold, 0.3);
  EXPECT_DOUBLE_EQ(v.keep_above, 0.5);
  EXPECT_EQ(v.width, 64);
  EXPECT_EQ(v.height, 24);
  EXPECT_DOUBLE_EQ(v.grow, 0.2);
  pack = with(R"({"file": "m.onnx", "label": "plate"})");
  ASSERT_TRUE(pack.ok());
  EXPECT_EQ(pack->models[0].verifier->width, 96);
  EXPECT_DOUBLE_EQ(pack->models[0].verifier->keep_above, 1.0);  // every box is looked at
  EXPECT_EQ(with(R"("v.onnx")").status().field(), "models[0].verifier");
  EXPECT_EQ(with(R"({"file": "none.onnx", "label": "plate"})").status().field(),
            "models[0].verifier.file");
  EXPECT_EQ(with(R"({"file": "m.onnx"})").status().field(), "models[0].verifier.label");
  EXPECT_EQ(with(R"({"file": "m.onnx", "label": "plate", "threshold": 2})").status().field(),
            "models[0].verifier.threshold");
  EXPECT_EQ(with(R"({"file": "m.onnx", "label": "plate", "keep_above": -1})").status().field(),
            "models[0].verifier.keep_above");
  EXPECT_EQ(with(R"({"file": "m.onnx", "label": "plate", "width": 4})").status().field(),
            "models[0].verifier.width");
  // 2^32 + 96 would wrap to 96 if narrowed before the range check.
  EXPECT_EQ(with(R"({"file": "m.onnx", "label": "plate", "height": 4294967392})").status().field(),
            "models[0].verifier.height");
  Manifest(R"({"models": [{"name": "a", "file": "m.onnx", "format": "onnx", "decoder": "yolo",
                            "labels": ["x"]}]})");
  EXPECT_FALSE(LoadModelPack(dir_.path())->models[0].verifier.has_value());
}

TEST_F(ModelPackTest, ManifestElsewhereResolvesAgainstTheGivenFolder) {
  testing::TempDir other;
  ASSERT_TRUE(WriteFileAtomic(other.Sub("dev.json"),
                              R"({"models": [{"name": "a", "file": "m.onnx", "format": "yunet",
                                              "labels": ["face"]}]})")
                  .ok());
  auto pack = LoadModelPackManifest(other.Sub("dev.json"), dir_.path());
  ASSERT_TRUE(pack.ok()) << pack.status().ToString();
  EXPECT_EQ(pack->models[0].file, dir_.Sub("m.onnx"));
  EXPECT_EQ(pack->models[0].decoder, "yunet");  // defaulted from the format
}

TEST(DevModelPack, ShippedManifestDescribesTheSharedModels) {
  const std::string shared = testing::SharedDir();
  if (shared.empty()) GTEST_SKIP() << "../shared absent";
  auto pack = LoadModelPackManifest(testing::SourceDir() + "/docs/dev-model-pack.manifest.json",
                                    shared + "/models");
  ASSERT_TRUE(pack.ok()) << pack.status().ToString();
  EXPECT_GE(pack->models.size(), 4u);
}

}  // namespace
}  // namespace tilsyn::imaging
