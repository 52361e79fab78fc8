#include "recognition/remote/kserve_v2.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <opencv2/imgproc.hpp>

#include "imaging/jpeg.h"

namespace tilsyn::recognition {
namespace {

using remote::Tensor;

Status Garbage(const std::string& why) { return Status::Internal("garbage answer: " + why); }

struct KserveSettings {
  std::string url, model, version;
  remote::Headers headers;
  std::map<std::string, std::string> label_map;
  bool binary = true;
  bool check_ready = true;
  std::string input_name = "image", input_format = "jpeg-bytes";
  int width = 0, height = 0, jpeg_quality = 90;
  double scale = 1.0 / 255.0;
  bool swap_rb = true;
  std::string output_format = "detections-json";
  std::string output_name = "detections", boxes = "boxes", scores = "scores", classes = "classes";
  std::vector<std::string> class_labels;
  std::string box_format = "xyxy-normalized";
};

const Tensor* Find(const std::vector<Tensor>& ts, const std::string& name) {
  for (const Tensor& t : ts) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

class KserveV2Recognizer : public Recognizer {
 public:
  KserveV2Recognizer(ServiceInfo info, KserveSettings s)
      : info_(std::move(info)), s_(std::move(s)), client_(s_.url, s_.headers, info_.timeout_ms) {}
  const ServiceInfo& info() const override { return info_; }

  Result<Recognition> Recognize(const cv::Mat& bgr, const RecognizeRequest& req) override {
    if (s_.check_ready && !ready_.load()) {
      TILSYN_RETURN_IF_ERROR(client_.ServerReady().Annotate(info_.name));
      TILSYN_RETURN_IF_ERROR(client_.ModelReady(s_.model, s_.version).Annotate(info_.name));
      ready_ = true;
    }
    TILSYN_ASSIGN_OR_RETURN(Tensor input, MakeInput(bgr));
    Json params = Json::object();
    std::vector<std::string> outputs;
    if (s_.output_format == "detections-json") {
      Json targets = Json::array();
      for (const tasks::Target& t : req.targets) {
        targets.push_back({{"label", t.label}, {"min_confidence", t.min_confidence}});
      }
      params["targets"] = targets;
      params["count_exactly"] = req.count_exactly;
      outputs = {s_.output_name};
    } else {
      outputs = {s_.boxes, s_.scores, s_.classes};
    }
    Result<std::vector<Tensor>> out =
        client_.Infer(s_.model, s_.version, {input}, outputs, s_.binary, params);
    if (!out.ok()) {
      ready_ = false;  // check again before the next call
      return out.status();
    }
    TILSYN_ASSIGN_OR_RETURN(auto dets, Decode(*out, bgr.cols, bgr.rows));
    Recognition r;
    r.detections = std::move(dets);
    r.good_enough = IsGoodEnough(r.detections, req);
    r.service = info_.name;
    return r;
  }

 private:
  Result<Tensor> MakeInput(const cv::Mat& bgr) const {
    if (s_.input_format == "jpeg-bytes") {
      TILSYN_ASSIGN_OR_RETURN(std::string jpeg, imaging::EncodeJpeg(bgr, s_.jpeg_quality));
      // Plain JSON cannot carry raw bytes: without the binary extension the element is base64.
      return remote::BytesTensor(s_.input_name, {s_.binary ? jpeg : remote::Base64Encode(jpeg)});
    }
    cv::Mat resized, rgb, f;
    cv::resize(bgr, resized, cv::Size(s_.width, s_.height));
    if (s_.swap_rb) {
      cv::cvtColor(resized, rgb, cv::COLOR_BGR2RGB);
    } else {
      rgb = resized;
    }
    rgb.convertTo(f, CV_32FC3, s_.scale);
    std::vector<float> chw(static_cast<size_t>(3) * s_.width * s_.height);
    for (int y = 0; y < s_.height; ++y) {
      const cv::Vec3f* row = f.ptr<cv::Vec3f>(y);
      for (int x = 0; x < s_.width; ++x) {
        for (int c = 0; c < 3; ++c) {
          chw[(static_cast<size_t>(c) * s_.height + y) * s_.width + x] = row[x][c];
        }
      }
    }
    return remote::Fp32Tensor(s_.input_name, {1, 3, s_.height, s_.width}, chw);
  }

  void Keep(std::vector<tasks::Detection>& out, std::string label, double score,
            tasks::Box box) const {
    auto m = s_.label_map.find(label);
    if (m != s_.label_map.end()) label = m->second;
    if (std::find(info_.labels.begin(), info_.labels.end(), label) == info_.labels.end()) return;
    out.push_back({label, score, box});
  }

  Result<std::vector<tasks::Detection>> Decode(const std::vector<Tensor>& outs, int w,
                                               int h) const {
    std::vector<tasks::Detection> dets;
    if (s_.output_format == "detections-json") {
      const Tensor* t = Find(outs, s_.output_name);
      if (t == nullptr) return Garbage("no output " + s_.output_name);
      Result<std::vector<std::string>> el = remote::BytesElements(*t);
      if (!el.ok() || el->empty()) return Garbage("output " + s_.output_name + " is not BYTES");
      Result<Json> list = ParseJson(el->front());
      if (!list.ok() || !list->is_array()) return Garbage("detections are not a JSON array");
      for (const Json& e : *list) {
        if (!e.is_object() || !e.contains("label") || !e["label"].is_string() ||
            !e.contains("score") || !e["score"].is_number()) {
          return Garbage("a detection lacks label or score");
        }
        std::optional<tasks::Box> b =
            e.contains("box") ? remote::ReadBox(e["box"], "xywh", w, h) : std::nullopt;
        if (!b) return Garbage("a detection lacks a box");
        const double sc = e["score"].get<double>();
        if (sc < 0 || sc > 1) return Garbage("a score outside 0..1");
        Keep(dets, e["label"].get<std::string>(), sc, *b);
      }
      return dets;
    }
    const Tensor* bt = Find(outs, s_.boxes);
    const Tensor* st = Find(outs, s_.scores);
    const Tensor* ct = Find(outs, s_.classes);
    if (!bt || !st || !ct) return Garbage("missing boxes, scores or classes output");
    Result<std::vector<double>> boxes = remote::NumericElements(*bt);
    Result<std::vector<double>> scores = remote::NumericElements(*st);
    Result<std::vector<double>> classes = remote::NumericElements(*ct);
    if (!boxes.ok() || !scores.ok() || !classes.ok()) return Garbage("non-numeric outputs");
    const size_t n = scores->size();
    if (classes->size() != n || boxes->size() != 4 * n) return Garbage("output sizes disagree");
    const bool normalized = s_.box_format == "xyxy-normalized";
    const double sx = normalized ? w : (s_.width > 0 ? static_cast<double>(w) / s_.width : 1.0);
    const double sy = normalized ? h : (s_.height > 0 ? static_cast<double>(h) / s_.height : 1.0);
    for (size_t i = 0; i < n; ++i) {
      const double score = (*scores)[i];
      if (score < 0 || score > 1) return Garbage("a score outside 0..1");
      const long cls = std::lround((*classes)[i]);
      if (cls < 0 || static_cast<size_t>(cls) >= s_.class_labels.size()) continue;
      const double* b = &(*boxes)[4 * i];
      if (!std::all_of(b, b + 4, [&](double x) { return std::isfinite(x) && std::abs(x * std::max(sx, sy)) <= 1e7; })) {
        return Garbage("a box coordinate out of range");
      }
      tasks::Box box{static_cast<int>(std::lround(b[0] * sx)),
                     static_cast<int>(std::lround(b[1] * sy)),
                     static_cast<int>(std::lround((b[2] - b[0]) * sx)),
                     static_cast<int>(std::lround((b[3] - b[1]) * sy))};
      if (box.w < 0 || box.h < 0) return Garbage("a box with x2 < x1");
      Keep(dets, s_.class_labels[static_cast<size_t>(cls)], score, box);
    }
    return dets;
  }

  ServiceInfo info_;
  KserveSettings s_;
  KserveV2Client client_;
  std::atomic<bool> ready_{false};
};

}  // namespace

std::string KserveV2Client::ModelPath(const std::string& model, const std::string& version) const {
  std::string p = base_ + "/v2/models/" + model;
  if (!version.empty()) p += "/versions/" + version;
  return p;
}

namespace {
Result<Json> GetJson(const std::string& url, const remote::Headers& headers, int timeout_ms) {
  net::ClientRequest r;
  r.url = url;
  r.headers = headers;
  r.timeout_ms = timeout_ms;
  TILSYN_ASSIGN_OR_RETURN(net::ClientResponse resp, remote::Call("kserve-v2", r));
  Result<Json> j = ParseJson(resp.body);
  if (!j.ok() || !j->is_object()) return Garbage("metadata is not a JSON object");
  return j;
}

Status GetReady(const std::string& url, const remote::Headers& headers, int timeout_ms) {
  net::ClientRequest r;
  r.url = url;
  r.headers = headers;
  r.timeout_ms = timeout_ms;
  Result<net::ClientResponse> resp = net::Fetch(r);
  if (!resp.ok()) return resp.status();
  if (resp->status != 200) {
    return Status::Unavailable("not ready (HTTP " + std::to_string(resp->status) + "): " + url);
  }
  return Status::Ok();
}
}  // namespace

Result<Json> KserveV2Client::ServerMetadata() const {
  return GetJson(base_ + "/v2", headers_, timeout_ms_);
}

Result<Json> KserveV2Client::ModelMetadata(const std::string& model,
                                           const std::string& version) const {
  return GetJson(ModelPath(model, version), headers_, timeout_ms_);
}

Status KserveV2Client::ServerReady() const {
  return GetReady(base_ + "/v2/health/ready", headers_, timeout_ms_);
}

Status KserveV2Client::ModelReady(const std::string& model, const std::string& version) const {
  return GetReady(ModelPath(model, version) + "/ready", headers_, timeout_ms_);
}

Result<std::vector<Tensor>> KserveV2Client::Infer(const std::string& model,
                                                  const std::string& version,
                                                  const std::vector<Tensor>& inputs,
                                                  const std::vector<std::string>& outputs,
                                                  bool binary, const Json& parameters) const {
  Json header = Json::object();
  if (parameters.is_object() && !parameters.empty()) header["parameters"] = parameters;
  Json outs = Json::array();
  for (const std::string& o : outputs) {
    Json j = {{"name", o}};
    if (binary) j["parameters"] = {{"binary_data", true}};
    outs.push_back(std::move(j));
  }
  if (!outs.empty()) header["outputs"] = outs;
  remote::EncodedBody enc =
      remote::EncodeTensors(header, "inputs", inputs, std::vector<bool>(inputs.size(), binary));
  net::ClientRequest r;
  r.method = "POST";
  r.url = ModelPath(model, version) + "/infer";
  r.headers = headers_;
  r.timeout_ms = timeout_ms_;
  r.body = std::move(enc.body);
  if (enc.binary) {
    r.headers.emplace_back("Content-Type", "application/octet-stream");
    r.headers.emplace_back("Inference-Header-Content-Length", std::to_string(enc.json_size));
  } else {
    r.headers.emplace_back("Content-Type", "application/json");
  }
  TILSYN_ASSIGN_OR_RETURN(net::ClientResponse resp, remote::Call("kserve-v2 " + model, r));
  std::optional<size_t> json_size;
  auto it = resp.headers.find("inference-header-content-length");
  if (it != resp.headers.end()) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(it->second.c_str(), &end, 10);
    if (end == it->second.c_str()) return Garbage("bad Inference-Header-Content-Length");
    json_size = static_cast<size_t>(n);
  }
  auto decoded = remote::DecodeTensors(resp.body, json_size, "outputs");
  if (!decoded.ok()) return Garbage(decoded.status().ToString());
  return std::move(decoded->second);
}

Result<std::unique_ptr<Recognizer>> NewKserveV2Recognizer(const std::string& name,
                                                          const Json& settings) {
  TILSYN_RETURN_IF_ERROR(remote::CheckKnownSettings(settings, {"url", "model", "version", "labels", "label_map", "headers",
                                 "auth_header", "auth_value", "auth_value_env", "timeout_ms",
                                 "binary_data", "check_ready", "input", "output"}));
  ServiceInfo info;
  info.name = name;
  info.type = "kserve-v2";
  info.terms = DataTerms::kInternal;  // typically the city's own servers; config may override
  TILSYN_ASSIGN_OR_RETURN(info.labels, remote::ParseLabels(settings));
  TILSYN_ASSIGN_OR_RETURN(info.timeout_ms, remote::ParseTimeout(settings));
  KserveSettings s;
  TILSYN_ASSIGN_OR_RETURN(s.url, remote::ParseUrl(settings));
  TILSYN_ASSIGN_OR_RETURN(s.model, GetString(settings, "model", "model"));
  if (s.model.empty() || s.model.find_first_of("/?#% ") != std::string::npos) {
    return Status::InvalidArgument("must be a plain model name", "model");
  }
  TILSYN_ASSIGN_OR_RETURN(auto version, GetOptString(settings, "version", "version"));
  s.version = version.value_or("");
  TILSYN_ASSIGN_OR_RETURN(s.headers, remote::ParseHeaders(settings));
  TILSYN_ASSIGN_OR_RETURN(s.label_map, remote::ParseLabelMap(settings));
  TILSYN_ASSIGN_OR_RETURN(auto binary, GetOptBool(settings, "binary_data", "binary_data"));
  s.binary = binary.value_or(true);
  TILSYN_ASSIGN_OR_RETURN(auto ready, GetOptBool(settings, "check_ready", "check_ready"));
  s.check_ready = ready.value_or(true);

  const Json in = settings.value("input", Json::object());
  if (!in.is_object()) return Status::InvalidArgument("must be an object", "input");
  TILSYN_ASSIGN_OR_RETURN(auto iname, GetOptString(in, "name", "input.name"));
  s.input_name = iname.value_or("image");
  TILSYN_ASSIGN_OR_RETURN(auto ifmt, GetOptString(in, "format", "input.format"));
  s.input_format = ifmt.value_or("jpeg-bytes");
  if (s.input_format != "jpeg-bytes" && s.input_format != "fp32-nchw") {
    return Status::InvalidArgument("must be jpeg-bytes or fp32-nchw", "input.format");
  }
  TILSYN_ASSIGN_OR_RETURN(auto iw, GetOptInt(in, "width", "input.width"));
  TILSYN_ASSIGN_OR_RETURN(auto ih, GetOptInt(in, "height", "input.height"));
  if (s.input_format == "fp32-nchw") {
    if (!iw || *iw < 1 || *iw > 4096) return Status::InvalidArgument("must be 1..4096", "input.width");
    if (!ih || *ih < 1 || *ih > 4096) {
      return Status::InvalidArgument("must be 1..4096", "input.height");
    }
    s.width = static_cast<int>(*iw);
    s.height = static_cast<int>(*ih);
  }
  TILSYN_ASSIGN_OR_RETURN(auto scale, GetOptNumber(in, "scale", "input.scale"));
  if (scale) s.scale = *scale;
  TILSYN_ASSIGN_OR_RETURN(auto swap, GetOptBool(in, "swap_rb", "input.swap_rb"));
  if (swap) s.swap_rb = *swap;
  TILSYN_ASSIGN_OR_RETURN(auto q, GetOptInt(in, "jpeg_quality", "input.jpeg_quality"));
  if (q) {
    if (*q < 1 || *q > 100) return Status::InvalidArgument("must be 1..100", "input.jpeg_quality");
    s.jpeg_quality = static_cast<int>(*q);
  }

  const Json out = settings.value("output", Json::object());
  if (!out.is_object()) return Status::InvalidArgument("must be an object", "output");
  TILSYN_ASSIGN_OR_RETURN(auto ofmt, GetOptString(out, "format", "output.format"));
  s.output_format = ofmt.value_or("detections-json");
  if (s.output_format == "detections-json") {
    TILSYN_ASSIGN_OR_RETURN(auto oname, GetOptString(out, "name", "output.name"));
    s.output_name = oname.value_or("detections");
  } else if (s.output_format == "boxes-scores-classes") {
    TILSYN_ASSIGN_OR_RETURN(auto b, GetOptString(out, "boxes", "output.boxes"));
    TILSYN_ASSIGN_OR_RETURN(auto sc, GetOptString(out, "scores", "output.scores"));
    TILSYN_ASSIGN_OR_RETURN(auto c, GetOptString(out, "classes", "output.classes"));
    if (b) s.boxes = *b;
    if (sc) s.scores = *sc;
    if (c) s.classes = *c;
    if (!out.contains("class_labels") || !out["class_labels"].is_array() ||
        out["class_labels"].empty()) {
      return Status::InvalidArgument("must be a non-empty array of names", "output.class_labels");
    }
    for (const Json& l : out["class_labels"]) {
      if (!l.is_string()) {
        return Status::InvalidArgument("must be a non-empty array of names", "output.class_labels");
      }
      s.class_labels.push_back(l.get<std::string>());
    }
    TILSYN_ASSIGN_OR_RETURN(auto bf, GetOptString(out, "box_format", "output.box_format"));
    s.box_format = bf.value_or("xyxy-normalized");
    if (s.box_format != "xyxy-normalized" && s.box_format != "xyxy") {
      return Status::InvalidArgument("must be xyxy-normalized or xyxy", "output.box_format");
    }
  } else {
    return Status::InvalidArgument("must be detections-json or boxes-scores-classes",
                                   "output.format");
  }
  return std::unique_ptr<Recognizer>(
      std::make_unique<KserveV2Recognizer>(std::move(info), std::move(s)));
}

}  // namespace tilsyn::recognition
