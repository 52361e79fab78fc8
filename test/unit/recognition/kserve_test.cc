// kserve-v2 client ↔ `tilsyn recognizer serve` handler over loopback, and the client against
// request/response fixtures written from the Open Inference Protocol specification
// (test/data/kserve/), served by a fake loopback server.
#include <gtest/gtest.h>

#include <atomic>

#include "core/file_util.h"
#include "fakes/fake_recognizer.h"
#include "fakes/test_paths.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "recognition/remote/codec.h"
#include "recognition/remote/kserve_v2.h"
#include "recognition/serve/kserve_server.h"
#include "recognition/service_config.h"

namespace tilsyn::recognition {
namespace {

using testing::FakeRecognizer;

cv::Mat Image() { return cv::Mat(120, 160, CV_8UC3, cv::Scalar(90, 120, 150)); }

RecognizeRequest PersonRequest() {
  RecognizeRequest r;
  r.targets = {{"person", 0.5}};
  return r;
}

std::string Fixture(const std::string& name) {
  Result<std::string> s = ReadFile(testing::SourceDir() + "/test/data/kserve/" + name);
  EXPECT_TRUE(s.ok()) << name;
  return s.ok() ? *s : "";
}

std::unique_ptr<net::HttpServer> Serve(net::Handler h) {
  net::InitHttpClient();
  auto s = net::StartHttpServer({}, std::move(h));
  EXPECT_TRUE(s.ok());
  return std::move(*s);
}

std::string Url(const net::HttpServer& s) { return "http://127.0.0.1:" + std::to_string(s.port()); }

Result<std::unique_ptr<Recognizer>> Client(const Json& settings) {
  Registry reg;
  RegisterAllTypes(reg);
  return reg.Create("kserve-v2", "remote", settings);
}

// ------------------------------------------------------------ round trip with recognizer serve

class RoundTripTest : public ::testing::TestWithParam<bool> {};

TEST_P(RoundTripTest, ClientGetsTheServedRecognizersDetections) {
  auto fake = std::make_shared<FakeRecognizer>("people");
  fake->ThenDetect({{"person", 0.81, {12, 14, 30, 60}}, {"person", 0.3, {70, 10, 20, 40}}},
                   /*good_enough=*/false);
  auto server = Serve(NewKserveHandler({{"people", fake}}));
  auto client = Client({{"url", Url(*server)},
                        {"model", "people"},
                        {"labels", {"person"}},
                        {"binary_data", GetParam()}});
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  RecognizeRequest req = PersonRequest();
  req.count_exactly = true;
  auto r = (*client)->Recognize(Image(), req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->detections.size(), 2u);
  EXPECT_EQ(r->detections[0].label, "person");
  EXPECT_DOUBLE_EQ(r->detections[0].score, 0.81);
  EXPECT_EQ(r->detections[0].box.x, 12);
  EXPECT_EQ(r->detections[0].box.h, 60);
  EXPECT_FALSE(r->good_enough);  // a 0.3 in the uncertain band and a count: not good enough
  // The server saw the request's targets and count flag, and a decodable image.
  EXPECT_TRUE(fake->last_request().count_exactly);
  ASSERT_EQ(fake->last_request().targets.size(), 1u);
  EXPECT_EQ(fake->last_request().targets[0].label, "person");
  EXPECT_EQ(fake->calls(), 1);
}

INSTANTIATE_TEST_SUITE_P(BinaryAndJson, RoundTripTest, ::testing::Bool());

TEST(RoundTripTest, MetadataReadinessAndErrorsFollowTheProtocol) {
  auto fake = std::make_shared<FakeRecognizer>("people");
  fake->ThenPerson(0.9);
  auto server = Serve(NewKserveHandler({{"people", fake}}));
  KserveV2Client c(Url(*server), {}, 2000);
  auto meta = c.ServerMetadata();
  ASSERT_TRUE(meta.ok());
  EXPECT_NE((*meta)["extensions"].dump().find("binary_tensor_data"), std::string::npos);
  auto model = c.ModelMetadata("people");
  ASSERT_TRUE(model.ok());
  EXPECT_EQ((*model)["name"], "people");
  EXPECT_EQ((*model)["inputs"][0]["datatype"], "BYTES");
  EXPECT_TRUE(c.ModelMetadata("people", "1").ok());
  EXPECT_TRUE(c.ServerReady().ok());
  EXPECT_TRUE(c.ModelReady("people").ok());
  EXPECT_FALSE(c.ModelReady("nobody").ok());
  // Unknown model: the client reports it as a failed call, not as an empty answer.
  auto wrong = Client({{"url", Url(*server)}, {"model", "nobody"}, {"labels", {"person"}}});
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE((*wrong)->Recognize(Image(), PersonRequest()).ok());
  // A request from the spec fixture whose "JPEG" is a stub: 400 with {"error": …}.
  net::Handler h = NewKserveHandler({{"people", fake}});
  net::HttpRequest req;
  req.method = "POST";
  req.path = "/v2/models/people/infer";
  req.body = Fixture("infer_request_bytes.bin");
  req.headers["inference-header-content-length"] = Fixture("infer_request_bytes.header_length");
  net::HttpResponse resp = h(req);
  EXPECT_EQ(resp.status, 400);
  EXPECT_TRUE(ParseJson(resp.body).value().contains("error"));
}

TEST(RoundTripTest, ServesABuiltInRecognizer) {
  Registry reg;
  RegisterAllTypes(reg);
  auto hog = reg.Create("hog-person", "hog-person", Json::object());
  ASSERT_TRUE(hog.ok());
  auto server = Serve(NewKserveHandler({{"hog-person", std::shared_ptr<Recognizer>(std::move(*hog))}}));
  auto client = Client({{"url", Url(*server)}, {"model", "hog-person"}, {"labels", {"person"}}});
  ASSERT_TRUE(client.ok());
  auto r = (*client)->Recognize(Image(), PersonRequest());  // a flat image: nobody there
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->detections.empty());
  EXPECT_TRUE(r->good_enough);
}

// ------------------------------------------------------------ spec fixtures

TEST(KserveCodecTest, DecodesTheSpecsBinaryRequestFixture) {
  const std::string body = Fixture("infer_request_bytes.bin");
  const size_t n = std::stoul(Fixture("infer_request_bytes.header_length"));
  auto d = remote::DecodeTensors(body, n, "inputs");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->second.size(), 1u);
  auto el = remote::BytesElements(d->second[0]);
  ASSERT_TRUE(el.ok());
  ASSERT_EQ(el->size(), 1u);
  EXPECT_EQ((*el)[0], std::string("\xff\xd8\xff\xe0" "fake"));
  EXPECT_TRUE(d->first["outputs"][0]["parameters"]["binary_data"].get<bool>());
  // A declared size beyond the body is refused, naming the parameter.
  auto bad = remote::DecodeTensors(body.substr(0, body.size() - 2), n, "inputs");
  EXPECT_EQ(bad.status().field(), "inputs[0].parameters.binary_data_size");
}

// A Triton-like server answering from the fixtures; it checks what the client sends.
class SpecServer {
 public:
  explicit SpecServer(bool binary_answer) {
    server_ = Serve([this, binary_answer](const net::HttpRequest& req) {
      net::HttpResponse r;
      if (req.method == "GET" && req.path == "/v2") {
        r.body = Fixture("server_metadata.json");
      } else if (req.method == "GET" && (req.path == "/v2/health/ready" ||
                                         req.path == "/v2/models/ssd/versions/1/ready")) {
        r.body = "";
      } else if (req.path == "/v2/models/ssd/versions/1") {
        r.body = Fixture("model_metadata.json");
      } else if (req.method == "POST" && req.path == "/v2/models/ssd/versions/1/infer") {
        const std::string hl = req.Header("inference-header-content-length");
        auto d = remote::DecodeTensors(req.body, hl.empty() ? std::nullopt
                                                            : std::optional<size_t>(std::stoul(hl)),
                                       "inputs");
        if (!d.ok() || d->second.size() != 1 || d->second[0].name != "images" ||
            d->second[0].datatype != "FP32" ||
            d->second[0].shape != std::vector<int64_t>{1, 3, 64, 64} ||
            d->second[0].raw.size() != 3u * 64 * 64 * 4) {
          r.status = 400;
          r.body = Fixture("error_response.json");
          return r;
        }
        ++good_requests_;
        binary_request_ = !hl.empty();
        if (binary_answer) {
          r.content_type = "application/octet-stream";
          r.body = Fixture("infer_response_binary.bin");
          r.headers.emplace_back("Inference-Header-Content-Length",
                                 Fixture("infer_response_binary.header_length"));
        } else {
          r.body = Fixture("infer_response.json");
        }
      } else {
        r.status = 404;
        r.body = R"({"error":"not found"})";
      }
      return r;
    });
  }
  std::string url() const { return Url(*server_); }
  int good_requests() const { return good_requests_; }
  bool binary_request() const { return binary_request_; }

 private:
  std::unique_ptr<net::HttpServer> server_;
  std::atomic<int> good_requests_{0};
  std::atomic<bool> binary_request_{false};
};

Json SsdSettings(const std::string& url, bool binary) {
  return {{"url", url},
          {"model", "ssd"},
          {"version", "1"},
          {"labels", {"car", "bicycle"}},
          {"label_map", {{"bus", "car"}}},
          {"binary_data", binary},
          {"input", {{"name", "images"}, {"format", "fp32-nchw"}, {"width", 64}, {"height", 64}}},
          {"output",
           {{"format", "boxes-scores-classes"},
            {"class_labels", {"car", "bicycle", "bus"}},
            {"box_format", "xyxy-normalized"}}}};
}

TEST(KserveSpecFixtureTest, MetadataFixturesParse) {
  SpecServer spec(false);
  KserveV2Client c(spec.url(), {}, 2000);
  auto meta = c.ServerMetadata();
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ((*meta)["name"], "triton");
  auto model = c.ModelMetadata("ssd", "1");
  ASSERT_TRUE(model.ok());
  EXPECT_EQ((*model)["inputs"][0]["name"], "images");
  EXPECT_TRUE(c.ModelReady("ssd", "1").ok());
  EXPECT_FALSE(c.ModelReady("ssd").ok());  // only version 1 is served
}

TEST(KserveSpecFixtureTest, JsonTensorsAreMappedToDetections) {
  SpecServer spec(/*binary_answer=*/false);
  auto client = Client(SsdSettings(spec.url(), /*binary=*/false));
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  RecognizeRequest req;
  req.targets = {{"car", 0.5}};
  req.count_exactly = true;
  auto r = (*client)->Recognize(Image(), req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(spec.good_requests(), 1);
  EXPECT_FALSE(spec.binary_request());
  ASSERT_EQ(r->detections.size(), 2u);
  EXPECT_EQ(r->detections[0].label, "car");
  EXPECT_NEAR(r->detections[0].score, 0.87, 1e-6);
  EXPECT_EQ(r->detections[0].box.x, 16);  // 0.1 × 160
  EXPECT_EQ(r->detections[0].box.y, 24);  // 0.2 × 120
  EXPECT_EQ(r->detections[0].box.w, 64);  // (0.5 − 0.1) × 160
  EXPECT_EQ(r->detections[0].box.h, 84);  // (0.9 − 0.2) × 120
  EXPECT_EQ(r->detections[1].label, "car");  // class 2 "bus" mapped to car
  EXPECT_FALSE(r->good_enough);  // counting, and a car at 0.4 is in the uncertain band
}

TEST(KserveSpecFixtureTest, BinaryExtensionRequestAndResponse) {
  SpecServer spec(/*binary_answer=*/true);
  auto client = Client(SsdSettings(spec.url(), /*binary=*/true));
  ASSERT_TRUE(client.ok());
  RecognizeRequest req;
  req.targets = {{"bicycle", 0.5}};
  auto r = (*client)->Recognize(Image(), req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(spec.binary_request());
  ASSERT_EQ(r->detections.size(), 1u);
  EXPECT_EQ(r->detections[0].label, "bicycle");
  EXPECT_NEAR(r->detections[0].score, 0.91, 1e-6);
  EXPECT_EQ(r->detections[0].box.x, 40);
  EXPECT_EQ(r->detections[0].box.y, 30);
  EXPECT_EQ(r->detections[0].box.w, 80);
  EXPECT_EQ(r->detections[0].box.h, 90);
  EXPECT_TRUE(r->good_enough);
}

TEST(KserveSpecFixtureTest, ProtocolErrorIsAFailedCall) {
  SpecServer spec(false);
  Json s = SsdSettings(spec.url(), false);
  s["input"]["name"] = "imgs";  // the server answers 400 with the spec's error object
  auto client = Client(s);
  ASSERT_TRUE(client.ok());
  auto r = (*client)->Recognize(Image(), PersonRequest());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("HTTP 400"), std::string::npos);
}

TEST(KserveSettingsTest, BadSettingsNameTheField) {
  EXPECT_EQ(Client({{"url", "http://x"}, {"labels", {"a"}}}).status().field(), "model");
  Json s = SsdSettings("http://127.0.0.1:1", true);
  s["input"]["width"] = 0;
  EXPECT_EQ(Client(s).status().field(), "input.width");
  s = SsdSettings("http://127.0.0.1:1", true);
  s["output"]["format"] = "magic";
  EXPECT_EQ(Client(s).status().field(), "output.format");
}

}  // namespace
}  // namespace tilsyn::recognition
