#include "recognition/capabilities.h"

#include <map>

#include "recognition/fallback.h"

namespace tilsyn::recognition {
namespace {

const char* const kDataClasses[] = {"local", "internal", "external"};

bool Served(const Capability& c, const std::string& data_class) {
  for (const ServiceInfo& s : c.services) {
    if (TermsAllow(data_class, s.terms)) return true;
  }
  return false;
}

}  // namespace

std::vector<Capability> CapabilitiesOf(const std::vector<ServiceInfo>& services) {
  std::map<std::string, Capability> by_label;
  for (const ServiceInfo& s : services) {
    for (const std::string& l : s.labels) {
      Capability& c = by_label[l];
      c.label = l;
      c.services.push_back(s);
    }
  }
  std::vector<Capability> out;
  for (auto& [_, c] : by_label) out.push_back(std::move(c));
  return out;
}

Json CapabilitiesToJson(const std::vector<Capability>& caps) {
  Json labels = Json::array();
  for (const Capability& c : caps) {
    Json services = Json::array();
    for (const ServiceInfo& s : c.services) {
      Json svc = {{"name", s.name},
                  {"type", s.type},
                  {"terms", std::string(ToString(s.terms))},
                  {"timeout_ms", s.timeout_ms}};
      auto q = s.label_quality.find(c.label);
      if (q != s.label_quality.end()) svc["quality"] = q->second;
      services.push_back(std::move(svc));
    }
    Json classes = Json::array();
    for (const char* dc : kDataClasses) {
      if (Served(c, dc)) classes.push_back(dc);
    }
    labels.push_back({{"label", c.label}, {"services", services}, {"data_classes", classes}});
  }
  return Json{{"labels", labels}};
}

Status CheckTaskServed(const std::vector<Capability>& caps, const tasks::Task& task) {
  for (size_t i = 0; i < task.targets.size(); ++i) {
    const std::string& label = task.targets[i].label;
    bool ok = false;
    std::string served;
    for (const Capability& c : caps) {
      if (!Served(c, task.data_class)) continue;
      served += (served.empty() ? "" : ", ") + c.label;
      if (c.label == label) ok = true;
    }
    if (!ok) {
      return Status::InvalidArgument("no configured recognition service recognises '" + label +
                                         "' for " + task.data_class +
                                         " data (served: " + (served.empty() ? "none" : served) +
                                         "; see GET /api/v1/capabilities)",
                                     "targets[" + std::to_string(i) + "].label");
    }
  }
  return Status::Ok();
}

}  // namespace tilsyn::recognition
