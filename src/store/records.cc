#include "store/records.h"

#include "store/privacy_records.h"

namespace tilsyn::store {

std::string_view ToString(Role r) {
  switch (r) {
    case Role::kAdmin:
      return "admin";
    case Role::kInspector:
      return "inspector";
    case Role::kDpo:
      return "dpo";
    case Role::kVehicle:
      return "vehicle";
  }
  return "inspector";
}

std::optional<Role> ParseRole(std::string_view s) {
  if (s == "admin") return Role::kAdmin;
  if (s == "inspector") return Role::kInspector;
  if (s == "dpo") return Role::kDpo;
  if (s == "vehicle") return Role::kVehicle;
  return std::nullopt;
}

std::string_view ToString(ObservationState s) {
  switch (s) {
    case ObservationState::kReceived:
      return "received";
    case ObservationState::kStored:
      return "stored";
    case ObservationState::kAssessed:
      return "assessed";
    case ObservationState::kDone:
      return "done";
    case ObservationState::kFailed:
      return "failed";
  }
  return "stored";
}

std::optional<ObservationState> ParseObservationState(std::string_view s) {
  if (s == "received") return ObservationState::kReceived;
  if (s == "stored") return ObservationState::kStored;
  if (s == "assessed") return ObservationState::kAssessed;
  if (s == "done") return ObservationState::kDone;
  if (s == "failed") return ObservationState::kFailed;
  return std::nullopt;
}

bool AwaitsServerAnonymization(const Observation& obs) {
  if (obs.state == ObservationState::kReceived) return true;
  if (!obs.anonymization.is_object()) return false;
  auto server = obs.anonymization.find("server");
  return server != obs.anonymization.end() && server->is_null();
}

std::string_view ToString(ActionStatus s) {
  switch (s) {
    case ActionStatus::kPending:
      return "pending";
    case ActionStatus::kSucceeded:
      return "succeeded";
    case ActionStatus::kFailed:
      return "failed";
  }
  return "pending";
}

std::optional<ActionStatus> ParseActionStatus(std::string_view s) {
  if (s == "pending") return ActionStatus::kPending;
  if (s == "succeeded") return ActionStatus::kSucceeded;
  if (s == "failed") return ActionStatus::kFailed;
  return std::nullopt;
}

AuditEvent NewAuditEvent(TimeMs at, std::string user, std::string role, std::string action,
                         std::string object_type, std::string object_id, std::string purpose,
                         Json details) {
  AuditEvent e;
  e.at = at;
  e.user = std::move(user);
  e.role = std::move(role);
  e.action = std::move(action);
  e.object_type = std::move(object_type);
  e.object_id = std::move(object_id);
  e.purpose = std::move(purpose);
  e.details = std::move(details);
  return e;
}

}  // namespace tilsyn::store
