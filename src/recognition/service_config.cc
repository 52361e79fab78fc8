#include "recognition/service_config.h"

#include <set>

#include "imaging/anonymizer.h"
#include "imaging/model_pack.h"
#include "recognition/remote/http_json.h"
#include "recognition/remote/kserve_v2.h"

namespace tilsyn::recognition {
namespace {

class ConfiguredService : public Recognizer {
 public:
  ConfiguredService(std::shared_ptr<Recognizer> inner, ServiceInfo info)
      : inner_(std::move(inner)), info_(std::move(info)) {
    if (info_.labels.empty()) info_.labels = inner_->info().labels;
  }
  const ServiceInfo& info() const override { return info_; }

  Result<Recognition> Recognize(const cv::Mat& bgr, const RecognizeRequest& req) override {
    TILSYN_ASSIGN_OR_RETURN(Recognition r, inner_->Recognize(bgr, req));
    r.service = info_.name;
    if (!info_.thresholds.empty()) {
      for (tasks::Detection& d : r.detections) {
        auto it = info_.thresholds.find(d.label);
        if (it != info_.thresholds.end()) d.score = CalibrateScore(d.score, it->second);
      }
      r.good_enough = IsGoodEnough(r.detections, req);
    }
    return r;
  }

 private:
  std::shared_ptr<Recognizer> inner_;
  ServiceInfo info_;
};

// Types known to accept "timeout_ms" in their settings: the top-level value is passed down.
bool TakesTimeoutSetting(const std::string& type) {
  return type == "hog-person" || type == "cascade" || type == "http-json" || type == "kserve-v2";
}

Status CheckKeys(const Json& obj, const std::set<std::string>& known, const std::string& path) {
  for (const auto& [key, value] : obj.items()) {
    if (!known.count(key)) return Status::InvalidArgument("unknown setting", JoinPath(path, key));
  }
  return Status::Ok();
}

Result<ServiceSpec> ParseSpec(const Json& j, const std::string& p, const Registry& registry) {
  if (!j.is_object()) return Status::InvalidArgument("must be an object", p);
  TILSYN_RETURN_IF_ERROR(
      CheckKeys(j, {"name", "type", "terms", "timeout_ms", "cost", "thresholds", "settings"}, p));
  ServiceSpec s;
  TILSYN_ASSIGN_OR_RETURN(s.name, GetString(j, "name", JoinPath(p, "name")));
  if (s.name.empty()) return Status::InvalidArgument("must not be empty", JoinPath(p, "name"));
  TILSYN_ASSIGN_OR_RETURN(s.type, GetString(j, "type", JoinPath(p, "type")));
  const std::vector<std::string> types = registry.Types();
  if (std::find(types.begin(), types.end(), s.type) == types.end()) {
    std::string known;
    for (const std::string& t : types) known += (known.empty() ? "" : ", ") + t;
    return Status::InvalidArgument(
        "unknown recognizer type '" + s.type + "' (known: " + known + ")", JoinPath(p, "type"));
  }
  TILSYN_ASSIGN_OR_RETURN(auto terms, GetOptString(j, "terms", JoinPath(p, "terms")));
  if (terms) {
    s.terms = ParseDataTerms(*terms);
    if (!s.terms) {
      return Status::InvalidArgument("must be local, internal or external", JoinPath(p, "terms"));
    }
  }
  TILSYN_ASSIGN_OR_RETURN(auto timeout, GetOptInt(j, "timeout_ms", JoinPath(p, "timeout_ms")));
  if (timeout) {
    if (*timeout < 1 || *timeout > 600'000) {
      return Status::InvalidArgument("must be 1..600000", JoinPath(p, "timeout_ms"));
    }
    s.timeout_ms = static_cast<int>(*timeout);
  }
  TILSYN_ASSIGN_OR_RETURN(s.cost, GetOptNumber(j, "cost", JoinPath(p, "cost")));
  if (s.cost && *s.cost < 0) return Status::InvalidArgument("must be >= 0", JoinPath(p, "cost"));
  if (j.contains("thresholds") && !j["thresholds"].is_null()) {
    const Json& t = j["thresholds"];
    const std::string tp = JoinPath(p, "thresholds");
    if (!t.is_object()) return Status::InvalidArgument("must be an object of label: score", tp);
    for (const auto& [label, value] : t.items()) {
      if (!value.is_number() || value.get<double>() <= 0 || value.get<double>() >= 1) {
        return Status::InvalidArgument("must be a number in (0, 1)", JoinPath(tp, label));
      }
      s.thresholds[label] = value.get<double>();
    }
  }
  if (j.contains("settings") && !j["settings"].is_null()) {
    if (!j["settings"].is_object()) {
      return Status::InvalidArgument("must be an object", JoinPath(p, "settings"));
    }
    s.settings = j["settings"];
  }
  if (s.timeout_ms && TakesTimeoutSetting(s.type) && !s.settings.contains("timeout_ms")) {
    s.settings["timeout_ms"] = *s.timeout_ms;
  }
  return s;
}

Status ParseRouting(const Json& j, RecognitionConfig& c) {
  if (j.is_null()) return Status::Ok();
  if (!j.is_object()) return Status::InvalidArgument("must be an object", "routing");
  TILSYN_RETURN_IF_ERROR(CheckKeys(j,
                                   {"learn", "refresh_ms", "epsilon", "seed", "latency_weight",
                                    "cost_weight", "breaker_failures", "breaker_cooldown_ms"},
                                   "routing"));
  RoutingOptions& r = c.routing;
  TILSYN_ASSIGN_OR_RETURN(c.learn, GetOptBool(j, "learn", "routing.learn"));
  TILSYN_ASSIGN_OR_RETURN(auto refresh, GetOptInt(j, "refresh_ms", "routing.refresh_ms"));
  if (refresh) {
    if (*refresh < 0) return Status::InvalidArgument("must be >= 0", "routing.refresh_ms");
    r.refresh_ms = *refresh;
  }
  TILSYN_ASSIGN_OR_RETURN(auto eps, GetOptNumber(j, "epsilon", "routing.epsilon"));
  if (eps) {
    if (*eps < 0 || *eps > 1) return Status::InvalidArgument("must be 0..1", "routing.epsilon");
    r.epsilon = *eps;
  }
  TILSYN_ASSIGN_OR_RETURN(auto seed, GetOptInt(j, "seed", "routing.seed"));
  if (seed) r.seed = static_cast<uint64_t>(*seed);
  TILSYN_ASSIGN_OR_RETURN(auto lw, GetOptNumber(j, "latency_weight", "routing.latency_weight"));
  if (lw) {
    if (*lw < 0) return Status::InvalidArgument("must be >= 0", "routing.latency_weight");
    r.latency_weight = *lw;
  }
  TILSYN_ASSIGN_OR_RETURN(auto cw, GetOptNumber(j, "cost_weight", "routing.cost_weight"));
  if (cw) {
    if (*cw < 0) return Status::InvalidArgument("must be >= 0", "routing.cost_weight");
    r.cost_weight = *cw;
  }
  TILSYN_ASSIGN_OR_RETURN(auto bf, GetOptInt(j, "breaker_failures", "routing.breaker_failures"));
  if (bf) {
    if (*bf < 1 || *bf > 1000) {
      return Status::InvalidArgument("must be 1..1000", "routing.breaker_failures");
    }
    r.breaker.failure_threshold = static_cast<int>(*bf);
  }
  TILSYN_ASSIGN_OR_RETURN(auto bc,
                          GetOptInt(j, "breaker_cooldown_ms", "routing.breaker_cooldown_ms"));
  if (bc) {
    if (*bc < 0) return Status::InvalidArgument("must be >= 0", "routing.breaker_cooldown_ms");
    r.breaker.cooldown_ms = *bc;
  }
  return Status::Ok();
}

std::vector<ServiceSpec> DefaultSpecs(const std::string& installed_pack) {
  ServiceSpec hog;
  hog.name = hog.type = "hog-person";
  ServiceSpec body;
  body.name = "cascade-fullbody";
  body.type = "cascade";
  body.settings = Json{{"cascade", "haarcascade_fullbody.xml"}, {"label", "person"}};
  // Text and before/after tasks: the router sends only labels a service declares ("text",
  // "change"), so these never see person tasks.
  ServiceSpec ocr;
  ocr.name = ocr.type = "ocr";
  ServiceSpec change;
  change.name = change.type = "change";
  std::vector<ServiceSpec> specs = {hog, body, ocr, change};
  // The project's pack (models/, or $TILSYN_MODEL_DIR):
  // - the anonymizer's own model, where it has a person class (v2.2 learnt people whose heads are
  //   blurred, as the anonymizer leaves them), serves person tasks; the package detectors above
  //   look for whole, unblurred people;
  // - its `street` detector (issue 7): vehicles, plates, road damage, signs.
  // An installed pack (a retrained `street` that learnt the city's own objects): each of its
  // recognition models is a service, in place of the project's `street`.
  const std::string pack = imaging::FindDefaultModelPack();
  Result<imaging::ModelPack> p =
      pack.empty() ? Result<imaging::ModelPack>(Status::NotFound("no pack", "models"))
                   : imaging::LoadModelPack(pack);
  Result<imaging::ModelPack> installed =
      installed_pack.empty()
          ? Result<imaging::ModelPack>(Status::NotFound("no installed pack", "models"))
          : imaging::LoadModelPack(installed_pack);
  if (!p.ok() && !installed.ok()) return specs;
  for (const imaging::ModelSpec& m : p.ok() ? p->models : std::vector<imaging::ModelSpec>{}) {
    if (!m.HasPurpose("anonymization")) continue;
    bool has_person = false;
    for (const std::string& raw : m.labels) has_person = has_person || m.MapLabel(raw) == "person";
    if (!has_person) continue;
    ServiceSpec persons;
    persons.name = "persons";
    persons.type = "opencv-dnn";
    persons.settings = Json{{"pack", pack}, {"model", m.name}, {"labels", {"person"}}};
    specs.push_back(persons);
    break;
  }
  if (installed.ok()) {
    for (const imaging::ModelSpec& m : installed->models) {
      if (!m.HasPurpose("recognition")) continue;
      ServiceSpec s;
      s.name = m.name;
      s.type = "opencv-dnn";
      s.settings = Json{{"pack", installed_pack}, {"model", m.name}};
      specs.push_back(s);
    }
    return specs;
  }
  for (const imaging::ModelSpec& m : p->models) {
    if (m.name != "street" || !m.HasPurpose("recognition")) continue;
    ServiceSpec street;
    street.name = "street";
    street.type = "opencv-dnn";
    street.settings = Json{{"pack", pack}, {"model", m.name}};
    specs.push_back(street);
  }
  return specs;
}

}  // namespace

std::optional<DataTerms> ParseDataTerms(std::string_view s) {
  if (s == "local") return DataTerms::kLocal;
  if (s == "internal") return DataTerms::kInternal;
  if (s == "external") return DataTerms::kExternal;
  return std::nullopt;
}

void RegisterAllTypes(Registry& registry) {
  RegisterBuiltins(registry);
  (void)registry.Register("http-json", NewHttpJsonRecognizer);
  (void)registry.Register("kserve-v2", NewKserveV2Recognizer);
}

Result<RecognitionConfig> ParseRecognitionConfig(const Json& recognizers, const Json& routing,
                                                 const Registry& registry) {
  RecognitionConfig c;
  if (!recognizers.is_null()) {
    if (!recognizers.is_array()) return Status::InvalidArgument("must be an array", "recognizers");
    std::set<std::string> names;
    for (size_t i = 0; i < recognizers.size(); ++i) {
      const std::string p = "recognizers[" + std::to_string(i) + "]";
      TILSYN_ASSIGN_OR_RETURN(ServiceSpec s, ParseSpec(recognizers[i], p, registry));
      if (!names.insert(s.name).second) {
        return Status::InvalidArgument("duplicate name '" + s.name + "'", p + ".name");
      }
      c.services.push_back(std::move(s));
    }
  }
  TILSYN_RETURN_IF_ERROR(ParseRouting(routing, c));
  return c;
}

std::shared_ptr<Recognizer> NewConfiguredService(std::shared_ptr<Recognizer> inner,
                                                 ServiceInfo info) {
  return std::make_shared<ConfiguredService>(std::move(inner), std::move(info));
}

Result<std::vector<std::shared_ptr<Recognizer>>> BuildServices(const RecognitionConfig& config,
                                                               const Registry& registry) {
  const bool configured = !config.services.empty();
  const std::vector<ServiceSpec> specs =
      configured ? config.services : DefaultSpecs(config.installed_pack);
  std::vector<std::shared_ptr<Recognizer>> out;
  for (size_t i = 0; i < specs.size(); ++i) {
    const ServiceSpec& s = specs[i];
    const std::string p = "recognizers[" + std::to_string(i) + "]";
    Result<std::unique_ptr<Recognizer>> made = registry.Create(s.type, s.name, s.settings);
    if (!made.ok()) {
      const Status& st = made.status();
      std::string field = configured ? JoinPath(p + ".settings", st.field()) : st.field();
      return st.Annotate("recognizer '" + s.name + "'").WithField(field);
    }
    ServiceInfo info = (*made)->info();
    info.name = s.name;
    info.type = s.type;
    if (s.terms) info.terms = *s.terms;
    if (s.timeout_ms) info.timeout_ms = *s.timeout_ms;
    if (s.cost) info.cost = *s.cost;
    if (!s.thresholds.empty()) info.thresholds = s.thresholds;
    out.push_back(NewConfiguredService(std::shared_ptr<Recognizer>(std::move(*made)), info));
  }
  return out;
}

Result<std::unique_ptr<RouterRecognizer>> BuildRecognitionRouter(const RecognitionConfig& config,
                                                                 const Registry& registry,
                                                                 Clock* clock, StatsSource stats) {
  TILSYN_ASSIGN_OR_RETURN(auto services, BuildServices(config, registry));
  RoutingOptions opts = config.routing;
  opts.learn = config.learn.value_or(!config.services.empty());
  return std::make_unique<RouterRecognizer>("router", std::move(services), opts, clock,
                                            std::move(stats));
}

}  // namespace tilsyn::recognition
