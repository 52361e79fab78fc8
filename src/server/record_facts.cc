#include "server/record_facts.h"

#include <array>
#include <string_view>

#include "tasks/task.h"

namespace tilsyn::server {
namespace {

constexpr size_t kMaxText = 4000;
constexpr std::array<std::string_view, 5> kTopKeys = {
    "controller", "controller_contact", "dpo_contact", "transfers", "security_measures"};
constexpr std::array<std::string_view, 5> kPurposeKeys = {
    "legal_basis", "data_subjects", "data_categories", "recipients", "processors"};
constexpr std::array<std::string_view, 7> kKinds = {
    "presence", "absence", "count", "condition", "text", "before_after", "permit_check"};

template <size_t N>
bool Known(const std::array<std::string_view, N>& keys, const std::string& k) {
  for (std::string_view x : keys) {
    if (x == k) return true;
  }
  return false;
}

Status CheckText(const Json& v, const std::string& field) {
  if (!v.is_string()) return Status::InvalidArgument("must be text", field);
  if (v.get<std::string>().size() > kMaxText) {
    return Status::InvalidArgument("must be at most 4000 characters", field);
  }
  return Status::Ok();
}

}  // namespace

Result<Json> ValidateRecordFacts(const Json& facts) {
  if (!facts.is_object()) return Status::InvalidArgument("must be an object", "body");
  for (const auto& [k, v] : facts.items()) {
    if (k == "purposes") {
      if (!v.is_object()) return Status::InvalidArgument("must be an object", "purposes");
      for (const auto& [kind, p] : v.items()) {
        const std::string at = "purposes." + kind;
        if (!tasks::ParseTaskKind(kind)) {
          return Status::InvalidArgument("must be a task kind (a purpose)", at);
        }
        if (!p.is_object()) return Status::InvalidArgument("must be an object", at);
        for (const auto& [pk, pv] : p.items()) {
          if (!Known(kPurposeKeys, pk))
            return Status::InvalidArgument("unknown fact", at + "." + pk);
          TILSYN_RETURN_IF_ERROR(CheckText(pv, at + "." + pk));
        }
      }
    } else if (Known(kTopKeys, k)) {
      TILSYN_RETURN_IF_ERROR(CheckText(v, k));
    } else {
      return Status::InvalidArgument("unknown fact", k);
    }
  }
  return facts;
}

Json RecordFactsWithDefaults(const Json& stated) {
  Json out = {
      {"controller", ""},
      {"controller_contact", ""},
      {"dpo_contact", ""},
      {"transfers", ""},
      {"security_measures",
       "Images are anonymized on the vehicle and again on the server before anyone can see them "
       "(faces, licence plates, persons); images are encrypted at rest (AES-256-GCM) and in "
       "transit (TLS, optionally mutual TLS for vehicles); access by role, each image opened "
       "only for a stated purpose and recorded in a hash-chained audit log; deletion deadlines "
       "enforced by a sweeper; capture only inside an active task's area and time; "
       "passwords as argon2id hashes with lockout."},
      {"purposes", Json::object()}};
  for (std::string_view kind : kKinds) {
    out["purposes"][std::string(kind)] = {
        {"legal_basis", ""},
        {"data_subjects",
         "People and vehicles in public space photographed at the task's site (blurred); the "
         "drivers of the municipality's vehicles (position and time of capture)."},
        {"data_categories",
         "Anonymized street images; the vehicle, position, heading, speed and time of each "
         "capture; the assessment and the case notes of findings."},
        {"recipients", ""},
        {"processors", ""}};
  }
  if (!stated.is_object()) return out;
  for (const auto& [k, v] : stated.items()) {
    if (k != "purposes") {
      out[k] = v;
      continue;
    }
    for (const auto& [kind, p] : v.items()) {
      for (const auto& [pk, pv] : p.items()) out["purposes"][kind][pk] = pv;
    }
  }
  return out;
}

Json DefaultedFactPaths(const Json& stated) {
  const Json defaults = RecordFactsWithDefaults(Json(nullptr));
  const Json given = stated.is_object() ? stated : Json::object();
  Json out = Json::array();
  for (const auto& [k, v] : defaults.items()) {
    if (k == "purposes") continue;
    if (v.is_string() && !v.get<std::string>().empty() && !given.contains(k)) out.push_back(k);
  }
  const Json none = Json::object();
  const Json& purposes = given.contains("purposes") ? given["purposes"] : none;
  for (const auto& [kind, p] : defaults["purposes"].items()) {
    const Json& said = purposes.contains(kind) ? purposes[kind] : none;
    for (const auto& [pk, pv] : p.items()) {
      if (pv.is_string() && !pv.get<std::string>().empty() && !said.contains(pk)) {
        out.push_back("purposes." + kind + "." + pk);
      }
    }
  }
  return out;
}

}  // namespace tilsyn::server
