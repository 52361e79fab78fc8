#include "recognition/serve/kserve_server.h"

#include <signal.h>

#include <iostream>

#include "core/file_util.h"
#include "core/log.h"
#include "imaging/jpeg.h"
#include "net/http_server.h"
#include "recognition/remote/codec.h"
#include "recognition/service_config.h"

namespace tilsyn::recognition {
namespace {

using remote::Tensor;

net::HttpResponse V2Error(int status, const std::string& message) {
  return net::HttpResponse::JsonBody(status, Json{{"error", message}});
}

net::HttpResponse Empty(int status) {
  net::HttpResponse r;
  r.status = status;
  r.body = "";
  return r;
}

Json TensorMeta(const std::string& name, const std::string& dt) {
  return {{"name", name}, {"datatype", dt}, {"shape", {1}}};
}

class KserveHandler {
 public:
  explicit KserveHandler(std::map<std::string, std::shared_ptr<Recognizer>> models)
      : models_(std::move(models)) {}

  net::HttpResponse operator()(const net::HttpRequest& req) const {
    try {
      return Handle(req);
    } catch (const std::exception& e) {
      return V2Error(500, std::string("internal error: ") + e.what());
    }
  }

 private:
  net::HttpResponse Handle(const net::HttpRequest& req) const {
    const std::string& p = req.path;
    if (req.method == "GET" && (p == "/v2" || p == "/v2/")) {
      return net::HttpResponse::JsonBody(
          200, Json{{"name", "tilsyn"}, {"version", "1"}, {"extensions", {"binary_tensor_data"}}});
    }
    if (req.method == "GET" && (p == "/v2/health/live" || p == "/v2/health/ready")) {
      return Empty(200);
    }
    const std::string prefix = "/v2/models/";
    if (p.rfind(prefix, 0) != 0) return V2Error(404, "no such route: " + p);
    // {model}[/versions/{v}][/ready|/infer]
    std::vector<std::string> parts;
    std::string rest = p.substr(prefix.size());
    size_t at = 0;
    while (at <= rest.size()) {
      size_t slash = rest.find('/', at);
      if (slash == std::string::npos) slash = rest.size();
      parts.push_back(rest.substr(at, slash - at));
      at = slash + 1;
    }
    if (parts.empty() || parts[0].empty()) return V2Error(404, "no model named");
    auto model = models_.find(parts[0]);
    size_t i = 1;
    if (parts.size() >= 3 && parts[1] == "versions") {
      if (parts[2] != "1") return V2Error(404, "unknown version " + parts[2]);
      i = 3;
    }
    const std::string action = i < parts.size() ? parts[i] : "";
    if (i + 1 < parts.size() && !(i + 2 == parts.size() && parts[i + 1].empty())) {
      return V2Error(404, "no such route: " + p);
    }
    if (model == models_.end()) {
      if (action == "ready") return Empty(404);
      return V2Error(404, "unknown model " + parts[0]);
    }
    if (req.method == "GET" && action.empty()) return Metadata(*model->second, parts[0]);
    if (req.method == "GET" && action == "ready") return Empty(200);
    if (req.method == "POST" && action == "infer") return Infer(*model->second, parts[0], req);
    return V2Error(404, "no such route: " + req.method + " " + p);
  }

  static net::HttpResponse Metadata(const Recognizer& r, const std::string& name) {
    return net::HttpResponse::JsonBody(
        200, Json{{"name", name},
                  {"versions", {"1"}},
                  {"platform", "tilsyn_" + r.info().type},
                  {"inputs", {TensorMeta("image", "BYTES")}},
                  {"outputs", {TensorMeta("detections", "BYTES"), TensorMeta("good_enough", "BOOL")}}});
  }

  static net::HttpResponse Infer(Recognizer& r, const std::string& name,
                                 const net::HttpRequest& req) {
    std::optional<size_t> json_size;
    const std::string hl = req.Header("inference-header-content-length");
    if (!hl.empty()) {
      char* end = nullptr;
      const unsigned long long n = std::strtoull(hl.c_str(), &end, 10);
      if (end == hl.c_str() || *end != '\0') {
        return V2Error(400, "bad Inference-Header-Content-Length");
      }
      json_size = static_cast<size_t>(n);
    }
    auto decoded = remote::DecodeTensors(req.body, json_size, "inputs");
    if (!decoded.ok()) return V2Error(400, decoded.status().ToString());
    const Json& header = decoded->first;
    const std::vector<Tensor>& inputs = decoded->second;
    const Tensor* image = nullptr;
    for (const Tensor& t : inputs) {
      if (t.name == "image" || inputs.size() == 1) image = &t;
    }
    if (image == nullptr) return V2Error(400, "missing input tensor 'image'");
    if (image->datatype != "BYTES") return V2Error(400, "input 'image' must be BYTES");
    Result<std::vector<std::string>> el = remote::BytesElements(*image);
    if (!el.ok() || el->size() != 1) return V2Error(400, "input 'image' must hold one element");
    std::string jpeg = el->front();
    if (!imaging::LooksLikeJpeg(jpeg)) {
      // Plain JSON cannot carry raw bytes: there the element is the JPEG in base64.
      Result<std::string> raw = remote::Base64Decode(jpeg);
      if (!raw.ok()) return V2Error(400, "input 'image' is neither JPEG nor base64 JPEG");
      jpeg = std::move(*raw);
    }
    Result<cv::Mat> bgr = imaging::DecodeJpeg(jpeg);
    if (!bgr.ok()) return V2Error(400, "input 'image': " + bgr.status().message());

    RecognizeRequest rr;
    rr.data_class = "local";
    const Json params = header.value("parameters", Json::object());
    if (params.contains("targets")) {
      const Json& ts = params["targets"];
      if (!ts.is_array()) return V2Error(400, "parameters.targets must be an array");
      for (const Json& t : ts) {
        if (!t.is_object() || !t.contains("label") || !t["label"].is_string()) {
          return V2Error(400, "parameters.targets[].label must be a string");
        }
        tasks::Target target;
        target.label = t["label"].get<std::string>();
        if (t.contains("min_confidence")) {
          if (!t["min_confidence"].is_number()) {
            return V2Error(400, "parameters.targets[].min_confidence must be a number");
          }
          target.min_confidence = t["min_confidence"].get<double>();
        }
        rr.targets.push_back(target);
      }
    } else {
      for (const std::string& l : r.info().labels) rr.targets.push_back({l, 0.5});
    }
    if (params.contains("count_exactly") && params["count_exactly"].is_boolean()) {
      rr.count_exactly = params["count_exactly"].get<bool>();
    }
    Result<Recognition> rec = r.Recognize(*bgr, rr);
    if (!rec.ok()) return V2Error(500, rec.status().ToString());

    Json dets = Json::array();
    for (const tasks::Detection& d : rec->detections) {
      dets.push_back(
          {{"label", d.label}, {"score", d.score}, {"box", {d.box.x, d.box.y, d.box.w, d.box.h}}});
    }
    std::vector<Tensor> outs = {remote::BytesTensor("detections", {dets.dump()}),
                                remote::BoolTensor("good_enough", {rec->good_enough})};
    // Which outputs, and which as binary: as requested (all, as JSON, when none are named,
    // unless parameters.binary_data_output is true).
    std::vector<Tensor> chosen;
    std::vector<bool> binary;
    const bool all_binary = params.is_object() && params.contains("binary_data_output") &&
                            params["binary_data_output"].is_boolean() &&
                            params["binary_data_output"].get<bool>();
    if (header.contains("outputs") && header["outputs"].is_array() && !header["outputs"].empty()) {
      for (const Json& o : header["outputs"]) {
        const std::string oname = StringOr(o, "name");
        const Tensor* found = nullptr;
        for (const Tensor& t : outs) {
          if (t.name == oname) found = &t;
        }
        if (found == nullptr) return V2Error(400, "unknown output '" + oname + "'");
        chosen.push_back(*found);
        bool b = all_binary;
        if (o.contains("parameters") && o["parameters"].is_object()) {
          const Json& bd = o["parameters"].contains("binary_data") ? o["parameters"]["binary_data"] : Json();
          if (bd.is_boolean()) b = bd.get<bool>();
        }
        binary.push_back(b);
      }
    } else {
      chosen = outs;
      binary.assign(outs.size(), all_binary);
    }
    Json rh = {{"model_name", name}, {"model_version", "1"}};
    if (header.contains("id") && header["id"].is_string()) rh["id"] = header["id"];
    remote::EncodedBody enc = remote::EncodeTensors(rh, "outputs", chosen, binary);
    net::HttpResponse resp;
    resp.status = 200;
    resp.body = std::move(enc.body);
    if (enc.binary) {
      resp.content_type = "application/octet-stream";
      resp.headers.emplace_back("Inference-Header-Content-Length", std::to_string(enc.json_size));
    }
    return resp;
  }

  std::map<std::string, std::shared_ptr<Recognizer>> models_;
};

}  // namespace

net::Handler NewKserveHandler(std::map<std::string, std::shared_ptr<Recognizer>> models) {
  auto h = std::make_shared<KserveHandler>(std::move(models));
  return [h](const net::HttpRequest& r) { return (*h)(r); };
}

int RunRecognizerServe(const RecognizerServeFlags& flags) {
  Json recognizers = nullptr;
  if (!flags.config_file.empty()) {
    Result<std::string> text = ReadFile(flags.config_file);
    if (!text.ok()) {
      std::cerr << "tilsyn: " << text.status().ToString() << "\n";
      return 2;
    }
    Result<Json> j = ParseJson(*text);
    if (!j.ok() || !j->is_object()) {
      std::cerr << "tilsyn: " << flags.config_file << ": not a JSON object\n";
      return 2;
    }
    recognizers = j->value("recognizers", Json(nullptr));
  }
  Registry registry;
  RegisterAllTypes(registry);
  Result<RecognitionConfig> config = ParseRecognitionConfig(recognizers, nullptr, registry);
  Result<std::vector<std::shared_ptr<Recognizer>>> services =
      config.ok() ? BuildServices(*config, registry)
                  : Result<std::vector<std::shared_ptr<Recognizer>>>(config.status());
  if (!services.ok()) {
    std::cerr << "tilsyn: " << services.status().ToString() << "\n";
    return 2;
  }
  std::map<std::string, std::shared_ptr<Recognizer>> models;
  for (const auto& s : *services) {
    if (s->info().terms != DataTerms::kLocal) {
      LogWarn("recognizer_serve_skipped", {{"model", s->info().name}, {"reason", "not local"}});
      continue;
    }
    models[s->info().name] = s;
  }
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  net::HttpServerOptions opts;
  opts.address = flags.listen;
  opts.port = static_cast<uint16_t>(flags.port);
  opts.max_body_bytes = 32u << 20;
  Result<std::unique_ptr<net::HttpServer>> server =
      net::StartHttpServer(opts, NewKserveHandler(models));
  if (!server.ok()) {
    std::cerr << "tilsyn: " << server.status().ToString() << "\n";
    return 1;
  }
  Json names = Json::array();
  for (const auto& [n, r] : models) names.push_back(n);
  LogInfo("recognizer_serve.started",
          {{"url", "http://" + flags.listen + ":" + std::to_string((*server)->port())},
           {"models", names}});
  std::cout << "http://" << flags.listen << ":" << (*server)->port() << "/v2\n" << std::flush;
  int sig = 0;
  sigwait(&stop, &sig);
  (*server)->Stop();
  return 0;
}

}  // namespace tilsyn::recognition
