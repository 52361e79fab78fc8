// The evaluation gate of `tilsyn models install` on the project's own `street` model and the
// hand-labelled vehicles of test/data/street_eval.json (Debian darknet sample photographs):
// packs that differ only in their manifest stand in for retrained candidates — the same model
// passes, one with broken preprocessing (as a bad export would have) is refused as worse, one
// that no longer serves a label is refused, a label without held-out boxes is refused as not
// measured; a passed pack is installed and the default chain then serves its labels.
#include "eval/model_gate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/file_util.h"
#include "fakes/test_paths.h"
#include "recognition/service_config.h"

namespace tilsyn::eval {
namespace {

namespace fs = std::filesystem;

class ModelGate : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = ::tilsyn::testing::SourceDir() + "/models/street.onnx";
    labels_ = ::tilsyn::testing::SourceDir() + "/test/data/street_eval.json";
    if (!fs::exists(model_) || !fs::exists("/usr/share/darknet/data/dog.jpg")) {
      GTEST_SKIP() << "needs models/street.onnx and the darknet sample images";
    }
    const Json manifest =
        ParseJson(ReadFile(::tilsyn::testing::SourceDir() + "/models/manifest.json").value())
            .value();
    for (const Json& m : manifest["models"]) {
      if (m["name"] == "street") street_ = m;
    }
    street_.erase("card");
    street_.erase("label_quality");
  }

  // A pack holding the street model with `label_map` (raw -> mapped, "" drops) and, when
  // `broken`, the preprocessing of a bad export (no RGB swap, wrong scale).
  std::string Pack(const std::string& name, const Json& label_map, bool broken = false) {
    const std::string dir = dir_.Sub(name);
    EXPECT_TRUE(MakeDirs(dir).ok());
    fs::copy_file(model_, dir + "/street.onnx");
    Json m = street_;
    m["label_map"] = label_map;
    if (broken) {
      m["input"]["swap_rb"] = false;
      m["input"]["scale"] = 0.002;
    }
    EXPECT_TRUE(
        WriteFileAtomic(dir + "/manifest.json", Json{{"name", name}, {"models", {m}}}.dump()).ok());
    return dir;
  }

  static Json VehicleOnly() {
    return {{"license_plate", ""},
            {"pothole", ""},
            {"road_crack", ""},
            {"traffic_sign", ""},
            {"traffic_light", ""}};
  }

  ModelGateFlags Flags(const std::string& current, const std::string& candidate) {
    ModelGateFlags f;
    f.current = current;
    f.candidate = candidate;
    f.labels = {labels_};
    f.data_dir = dir_.Sub("data");
    return f;
  }

  ::tilsyn::testing::TempDir dir_;
  std::string model_, labels_;
  Json street_;
};

TEST_F(ModelGate, TheSameModelPassesAndABrokenOneIsRefusedAsWorse) {
  const std::string cur = Pack("cur", VehicleOnly());
  auto same = EvaluateCandidate(Flags(cur, Pack("same", VehicleOnly())));
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_TRUE(same->passed) << same->ToText();
  ASSERT_EQ(same->rows.size(), 1u) << same->ToText();
  EXPECT_EQ(same->rows[0].label, "vehicle");
  EXPECT_EQ(same->rows[0].boxes, 7);
  EXPECT_EQ(same->rows[0].verdict, "ok");
  EXPECT_GT(*same->rows[0].current_ap, 0.5);
  EXPECT_DOUBLE_EQ(same->rows[0].candidate_ap, *same->rows[0].current_ap);

  auto worse = EvaluateCandidate(Flags(cur, Pack("worse", VehicleOnly(), /*broken=*/true)));
  ASSERT_TRUE(worse.ok()) << worse.status().ToString();
  EXPECT_FALSE(worse->passed);
  EXPECT_EQ(worse->rows[0].verdict, "worse");
  EXPECT_LT(worse->rows[0].candidate_ap, *worse->rows[0].current_ap - 0.02);
  EXPECT_NE(worse->reason.find("worse than the current model on vehicle"), std::string::npos);
  EXPECT_NE(worse->ToText().find("gate: refused"), std::string::npos);
}

// The table says how much of a difference the held-out set can tell apart: the 90 % interval of
// the AP difference over paired bootstrap draws of its images. The same model differs by
// nothing in every draw; with --allow-noise a drop the interval does not rule out as chance
// passes as "ok (noise)", without it the same drop is refused.
TEST_F(ModelGate, TheDifferenceComesWithItsNoiseAndAllowNoisePassesADropWithinIt) {
  const std::string cur = Pack("cur", VehicleOnly());
  auto same = EvaluateCandidate(Flags(cur, Pack("same", VehicleOnly())));
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  ASSERT_TRUE(same->rows[0].delta_lo.has_value());
  EXPECT_DOUBLE_EQ(*same->rows[0].delta_lo, 0.0);
  EXPECT_DOUBLE_EQ(*same->rows[0].delta_hi, 0.0);
  EXPECT_NE(same->ToText().find("[+0.000, +0.000]"), std::string::npos) << same->ToText();
  EXPECT_EQ(same->ToJson()["rows"][0]["delta_interval90"], Json::array({0.0, 0.0}));

  const std::string broken = Pack("worse", VehicleOnly(), /*broken=*/true);
  auto worse = EvaluateCandidate(Flags(cur, broken));
  ASSERT_TRUE(worse.ok()) << worse.status().ToString();
  const GateRow& r = worse->rows[0];
  const double delta = r.candidate_ap - *r.current_ap;
  ASSERT_TRUE(r.delta_lo && r.delta_hi);
  EXPECT_LE(*r.delta_lo, *r.delta_hi);
  EXPECT_LT(*r.delta_lo, delta) << "7 boxes: the draws spread";
  ASSERT_LT(delta, *r.delta_hi) << worse->ToText();
  // A tolerance the point estimate exceeds but the interval reaches.
  ModelGateFlags f = Flags(cur, broken);
  f.tolerance = std::clamp(-(*r.delta_hi + delta) / 2, 0.0, 0.99);
  ASSERT_GT(-delta, f.tolerance);
  ASSERT_GE(*r.delta_hi, -f.tolerance);
  auto strict = EvaluateCandidate(f);
  ASSERT_TRUE(strict.ok());
  EXPECT_EQ(strict->rows[0].verdict, "worse");
  EXPECT_FALSE(strict->passed);
  f.allow_noise = true;
  auto noisy = EvaluateCandidate(f);
  ASSERT_TRUE(noisy.ok());
  EXPECT_EQ(noisy->rows[0].verdict, "ok (noise)") << noisy->ToText();
  EXPECT_TRUE(noisy->passed) << noisy->ToText();
  // A drop the interval rules out stays refused, noise allowed or not.
  f.tolerance = 0.0;
  if (*r.delta_hi < 0) {
    auto clear = EvaluateCandidate(f);
    ASSERT_TRUE(clear.ok());
    EXPECT_EQ(clear->rows[0].verdict, "worse") << clear->ToText();
  }
}

TEST_F(ModelGate, ADroppedOrUnmeasuredLabelIsRefused) {
  const std::string cur = Pack("cur", VehicleOnly());
  Json signs_only = VehicleOnly();
  signs_only["vehicle"] = "";
  signs_only.erase("traffic_sign");
  auto dropped = EvaluateCandidate(Flags(cur, Pack("signs", signs_only)));
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  EXPECT_FALSE(dropped->passed);
  EXPECT_NE(dropped->reason.find("no longer serves vehicle"), std::string::npos) << dropped->reason;

  // The current model also serves traffic signs, but the held-out set has none.
  Json both = VehicleOnly();
  both.erase("traffic_sign");
  const std::string cur2 = Pack("cur2", both);
  auto unmeasured = EvaluateCandidate(Flags(cur2, Pack("both", both)));
  ASSERT_TRUE(unmeasured.ok());
  EXPECT_FALSE(unmeasured->passed);
  EXPECT_EQ(unmeasured->unmeasured, std::vector<std::string>{"traffic_sign"});
  EXPECT_NE(unmeasured->reason.find("no held-out boxes for traffic_sign"), std::string::npos);

  // "LABEL=PATH" reads only that label's row of a set.
  ModelGateFlags only = Flags(cur2, Pack("both2", both));
  only.labels = {"vehicle=" + labels_};
  auto one = EvaluateCandidate(only);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->rows.size(), 1u);
  EXPECT_EQ(one->rows[0].set, labels_);

  // A label only the candidate serves does not block (with held-out boxes it is a "new" row).
  auto wider = EvaluateCandidate(Flags(cur, Pack("wider", both)));
  ASSERT_TRUE(wider.ok());
  EXPECT_TRUE(wider->passed) << wider->ToText();

  ModelGateFlags bad = Flags(cur, dir_.Sub("nothing-here"));
  EXPECT_EQ(EvaluateCandidate(bad).status().field(), "CANDIDATE");
  bad = Flags(cur, cur);
  bad.model = "privacy";
  EXPECT_EQ(EvaluateCandidate(bad).status().field(), "--current");
  bad = Flags(cur, cur);
  bad.labels = {};
  EXPECT_EQ(EvaluateCandidate(bad).status().field(), "--labels");
}

TEST_F(ModelGate, AnInstalledPackIsTheOneInUseAndTheChainServesItsLabels) {
  const std::string data = dir_.Sub("data");
  ASSERT_TRUE(MakeDirs(data).ok());
  ModelGateFlags f;
  f.data_dir = data;
  EXPECT_NE(CurrentPack(f), data + "/models") << "nothing installed yet";
  ASSERT_TRUE(InstallPack(Pack("v1", VehicleOnly()), data).ok());
  EXPECT_EQ(CurrentPack(f), data + "/models");
  Json both = VehicleOnly();
  both.erase("traffic_sign");
  ASSERT_TRUE(InstallPack(Pack("v2", both), data).ok());
  EXPECT_TRUE(fs::exists(data + "/models.previous/manifest.json")) << "the previous pack is kept";
  EXPECT_NE(ReadFile(data + "/models/manifest.json").value().find("\"v2\""), std::string::npos);

  recognition::Registry registry;
  recognition::RegisterAllTypes(registry);
  recognition::RecognitionConfig config;
  config.installed_pack = data + "/models";
  auto services = recognition::BuildServices(config, registry);
  ASSERT_TRUE(services.ok()) << services.status().ToString();
  std::vector<std::string> street_labels;
  for (const auto& s : *services) {
    if (s->info().name == "street") street_labels = s->info().labels;
  }
  std::sort(street_labels.begin(), street_labels.end());
  EXPECT_EQ(street_labels, (std::vector<std::string>{"traffic_sign", "vehicle"}));

  // A pack that does not load replaces nothing.
  const std::string broken = dir_.Sub("broken");
  ASSERT_TRUE(MakeDirs(broken).ok());
  ASSERT_TRUE(WriteFileAtomic(broken + "/manifest.json", "{\"models\": 3}").ok());
  EXPECT_FALSE(InstallPack(broken, data).ok());
  EXPECT_NE(ReadFile(data + "/models/manifest.json").value().find("\"v2\""), std::string::npos);
}

}  // namespace
}  // namespace tilsyn::eval
