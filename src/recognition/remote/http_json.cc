#include "recognition/remote/http_json.h"

#include <algorithm>

#include "imaging/jpeg.h"
#include "net/multipart.h"
#include "recognition/remote/codec.h"
#include "recognition/remote/common.h"

namespace tilsyn::recognition {
namespace {

using remote::AtPointer;

struct HttpJsonSettings {
  std::string url;
  remote::Headers headers;
  std::map<std::string, std::string> label_map;
  int jpeg_quality = 90;
  bool multipart = true;
  std::string image_field;
  Json fields = Json::object();
  std::string detections_pointer = "/detections";
  std::string label_pointer = "/label", score_pointer = "/score", box_pointer = "/box";
  std::string box_format = "xywh";
};

Result<std::string> PointerSetting(const Json& s, const char* key, const std::string& def) {
  TILSYN_ASSIGN_OR_RETURN(auto v, GetOptString(s, key, key));
  std::string p = v.value_or(def);
  if (!remote::ValidPointer(p)) return Status::InvalidArgument("must be a JSON pointer", key);
  return p;
}

class HttpJsonRecognizer : public Recognizer {
 public:
  HttpJsonRecognizer(ServiceInfo info, HttpJsonSettings s)
      : info_(std::move(info)), s_(std::move(s)) {}
  const ServiceInfo& info() const override { return info_; }

  Result<Recognition> Recognize(const cv::Mat& bgr, const RecognizeRequest& req) override {
    TILSYN_ASSIGN_OR_RETURN(std::string jpeg, imaging::EncodeJpeg(bgr, s_.jpeg_quality));
    net::ClientRequest cr;
    cr.method = "POST";
    cr.url = s_.url;
    cr.timeout_ms = info_.timeout_ms;
    cr.headers = s_.headers;
    if (s_.multipart) {
      std::vector<net::MultipartPart> parts;
      for (const auto& [k, v] : s_.fields.items()) {
        parts.push_back({k, "", "", v.is_string() ? v.get<std::string>() : v.dump()});
      }
      parts.push_back({s_.image_field, "image.jpg", "image/jpeg", std::move(jpeg)});
      const std::string boundary = "tilsyn-boundary-7f3a9c";
      cr.body = net::BuildMultipart(parts, boundary);
      cr.headers.emplace_back("Content-Type", "multipart/form-data; boundary=" + boundary);
    } else {
      Json body = s_.fields;
      try {
        body[Json::json_pointer(s_.image_field)] = remote::Base64Encode(jpeg);
      } catch (const std::exception& e) {
        return Status::InvalidArgument(std::string("cannot place the image: ") + e.what(),
                                       "image_field");
      }
      cr.body = body.dump();
      cr.headers.emplace_back("Content-Type", "application/json");
    }
    TILSYN_ASSIGN_OR_RETURN(net::ClientResponse resp, remote::Call(info_.name, cr));
    TILSYN_ASSIGN_OR_RETURN(auto dets, Parse(resp.body, bgr.cols, bgr.rows));
    Recognition r;
    r.detections = std::move(dets);
    r.good_enough = IsGoodEnough(r.detections, req);
    r.service = info_.name;
    return r;
  }

 private:
  static Status Garbage(const std::string& why) {
    return Status::Internal("garbage answer: " + why);
  }

  Result<std::vector<tasks::Detection>> Parse(const std::string& body, int w, int h) const {
    Result<Json> doc = ParseJson(body);
    if (!doc.ok()) return Garbage("not JSON");
    const Json* list = AtPointer(*doc, s_.detections_pointer);
    if (list == nullptr || !list->is_array()) {
      return Garbage("no array at " + s_.detections_pointer);
    }
    std::vector<tasks::Detection> out;
    for (const Json& e : *list) {
      const Json* label = AtPointer(e, s_.label_pointer);
      const Json* score = AtPointer(e, s_.score_pointer);
      const Json* box = AtPointer(e, s_.box_pointer);
      if (label == nullptr || !label->is_string()) return Garbage("a detection has no label");
      if (score == nullptr || !score->is_number()) return Garbage("a detection has no score");
      const double sc = score->get<double>();
      if (sc < 0 || sc > 1) return Garbage("a score outside 0..1");
      std::optional<tasks::Box> b;
      if (box != nullptr) b = remote::ReadBox(*box, s_.box_format, w, h);
      if (!b) return Garbage("a detection has no readable box");
      std::string l = label->get<std::string>();
      auto m = s_.label_map.find(l);
      if (m != s_.label_map.end()) l = m->second;
      if (std::find(info_.labels.begin(), info_.labels.end(), l) == info_.labels.end()) continue;
      out.push_back({l, sc, *b});
    }
    return out;
  }

  ServiceInfo info_;
  HttpJsonSettings s_;
};

}  // namespace

Result<std::unique_ptr<Recognizer>> NewHttpJsonRecognizer(const std::string& name,
                                                          const Json& settings) {
  TILSYN_RETURN_IF_ERROR(remote::CheckKnownSettings(settings, {"url", "labels", "label_map", "headers", "auth_header",
                                 "auth_value", "auth_value_env", "timeout_ms", "jpeg_quality",
                                 "request", "image_field", "fields", "detections_pointer",
                                 "label_pointer", "score_pointer", "box_pointer", "box_format"}));
  ServiceInfo info;
  info.name = name;
  info.type = "http-json";
  info.terms = DataTerms::kExternal;  // the strictest reading unless the config says otherwise
  TILSYN_ASSIGN_OR_RETURN(info.labels, remote::ParseLabels(settings));
  TILSYN_ASSIGN_OR_RETURN(info.timeout_ms, remote::ParseTimeout(settings));
  HttpJsonSettings s;
  TILSYN_ASSIGN_OR_RETURN(s.url, remote::ParseUrl(settings));
  TILSYN_ASSIGN_OR_RETURN(s.headers, remote::ParseHeaders(settings));
  TILSYN_ASSIGN_OR_RETURN(s.label_map, remote::ParseLabelMap(settings));
  TILSYN_ASSIGN_OR_RETURN(auto q, GetOptInt(settings, "jpeg_quality", "jpeg_quality"));
  if (q) {
    if (*q < 1 || *q > 100) return Status::InvalidArgument("must be 1..100", "jpeg_quality");
    s.jpeg_quality = static_cast<int>(*q);
  }
  TILSYN_ASSIGN_OR_RETURN(auto request, GetOptString(settings, "request", "request"));
  if (request && *request != "multipart" && *request != "base64-json") {
    return Status::InvalidArgument("must be multipart or base64-json", "request");
  }
  s.multipart = !request || *request == "multipart";
  TILSYN_ASSIGN_OR_RETURN(auto field, GetOptString(settings, "image_field", "image_field"));
  s.image_field = field.value_or(s.multipart ? "image" : "/image");
  if (!s.multipart && (!remote::ValidPointer(s.image_field) || s.image_field.empty())) {
    return Status::InvalidArgument("must be a JSON pointer such as /image", "image_field");
  }
  if (settings.contains("fields") && !settings["fields"].is_null()) {
    if (!settings["fields"].is_object()) return Status::InvalidArgument("must be an object", "fields");
    s.fields = settings["fields"];
  }
  TILSYN_ASSIGN_OR_RETURN(s.detections_pointer,
                          PointerSetting(settings, "detections_pointer", "/detections"));
  TILSYN_ASSIGN_OR_RETURN(s.label_pointer, PointerSetting(settings, "label_pointer", "/label"));
  TILSYN_ASSIGN_OR_RETURN(s.score_pointer, PointerSetting(settings, "score_pointer", "/score"));
  TILSYN_ASSIGN_OR_RETURN(s.box_pointer, PointerSetting(settings, "box_pointer", "/box"));
  TILSYN_ASSIGN_OR_RETURN(auto fmt, GetOptString(settings, "box_format", "box_format"));
  s.box_format = fmt.value_or("xywh");
  if (!remote::ValidBoxFormat(s.box_format)) {
    return Status::InvalidArgument("must be xywh, xyxy, object or xyxy-normalized", "box_format");
  }
  return std::unique_ptr<Recognizer>(
      std::make_unique<HttpJsonRecognizer>(std::move(info), std::move(s)));
}

}  // namespace tilsyn::recognition
