// People's accounts: POST /api/v1/login and /api/v1/logout (web sessions, server/sessions.h),
// the admin's /api/v1/users (create, change role, units, password, disable) and
// /api/v1/tokens (list, revoke). Every login, failed login, lockout and permission change is
// an audit event.
#include <algorithm>

#include "core/crypto.h"
#include "core/log.h"
#include "core/time_format.h"
#include "server/api/api.h"
#include "server/api/api_util.h"
#include "server/api/audit_util.h"
#include "server/auth.h"
#include "server/password.h"
#include "server/sessions.h"

namespace tilsyn::server {
namespace {

const std::vector<store::Role> kPeople = {store::Role::kAdmin, store::Role::kInspector,
                                          store::Role::kDpo};

Json UserToJson(const store::UserRecord& u, TimeMs now) {
  Json j = {{"name", u.name},
            {"role", std::string(store::ToString(u.role))},
            {"units", u.units},
            {"disabled", u.disabled},
            {"locked", u.locked_until_ms > now},
            {"created_at", FormatIso8601(u.created_ms)},
            {"updated_at", FormatIso8601(u.updated_ms)}};
  return j;
}

// An audit event of the login path, where the actor is the name given (no principal yet).
store::AuditEvent LoginAudit(const ApiContext& ctx, const std::string& name,
                             const std::string& role, const std::string& action,
                             Json details = Json::object()) {
  return store::NewAuditEvent(ctx.clock->NowMs(), name, role, action, "user", name, "",
                              std::move(details));
}

Result<store::Role> PersonRole(const Json& body) {
  TILSYN_ASSIGN_OR_RETURN(std::string role, GetString(body, "role", "role"));
  std::optional<store::Role> r = store::ParseRole(role);
  if (!r || *r == store::Role::kVehicle) {
    return Status::InvalidArgument("role must be admin, inspector or dpo", "role");
  }
  return *r;
}

Result<std::vector<std::string>> Units(const Json& body) {
  std::vector<std::string> out;
  const Json& units = body["units"];
  if (!units.is_array() || units.size() > 50) {
    return Status::InvalidArgument("units must be a list of at most 50 unit names", "units");
  }
  for (const Json& u : units) {
    if (!u.is_string() || u.get<std::string>().empty() || u.get<std::string>().size() > 100) {
      return Status::InvalidArgument("each unit must be a name of 1..100 characters", "units");
    }
    if (std::find(out.begin(), out.end(), u.get<std::string>()) == out.end()) {
      out.push_back(u.get<std::string>());
    }
  }
  return out;
}

Status OnlyMembers(const Json& body, std::initializer_list<const char*> allowed) {
  for (auto it = body.begin(); it != body.end(); ++it) {
    const std::string& key = it.key();
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      return Status::InvalidArgument("unknown member", key);
    }
  }
  return Status::Ok();
}

Result<net::HttpResponse> PostLogin(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Json body, ParseObjectBody(req.http));
  TILSYN_RETURN_IF_ERROR(OnlyMembers(body, {"name", "password"}));
  TILSYN_ASSIGN_OR_RETURN(std::string name, GetString(body, "name", "name"));
  TILSYN_ASSIGN_OR_RETURN(std::string password, GetString(body, "password", "password"));
  TILSYN_RETURN_IF_ERROR(CheckAccountName(name));
  bool locked_now = false;
  Result<LoginResult> login = Login(ctx.store, name, password, ctx.clock, &locked_now);
  if (!login.ok()) {
    const Code code = login.status().code();
    if (code == Code::kUnauthenticated || code == Code::kResourceExhausted) {
      // A name that is no account is not kept: it may be a password typed into the wrong field,
      // and the audit trail is kept for years.
      const bool known = ctx.store->GetUser(name).ok();
      Status audited =
          ctx.store
              ->AppendAudit(store::NewAuditEvent(
                  ctx.clock->NowMs(), known ? name : "", "",
                  locked_now ? "user.locked" : "user.login_failed", "user", known ? name : "", "",
                  {{"reason",
                    code == Code::kResourceExhausted ? "locked" : "wrong name or password"},
                   {"known_name", known}}))
              .status();
      if (!audited.ok()) LogWarn("login_audit_failed", {{"error", audited.ToString()}});
    }
    if (code == Code::kResourceExhausted || code == Code::kUnavailable) {
      net::HttpResponse r = net::HttpResponse::Error(login.status());
      r.headers.emplace_back("Retry-After",
                             code == Code::kUnavailable ? "1" : std::to_string(kLockoutMs / 1000));
      return r;
    }
    return login.status();
  }
  const std::string role(store::ToString(login->user.role));
  // No record, no access: the cookie is handed out only once the login is in the audit trail.
  TILSYN_RETURN_IF_ERROR(
      ctx.store->AppendAudit(LoginAudit(ctx, name, role, "user.login")).status());
  net::HttpResponse r = Ok(Json{{"name", login->user.name},
                                {"role", role},
                                {"units", login->user.units},
                                {"csrf_token", login->csrf},
                                {"expires_at", FormatIso8601(login->expires_ms)}});
  r.headers.emplace_back("Set-Cookie", SessionSetCookie(login->cookie, ctx.tls));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Result<net::HttpResponse> PostLogout(const ApiContext& ctx, const ApiRequest& req) {
  if (std::optional<std::string> cookie = SessionCookieOf(req.http)) {
    TILSYN_RETURN_IF_ERROR(ctx.store->DeleteSession(Sha256Hex(*cookie)));
    (void)ctx.store->AppendAudit(
        RequestAudit(ctx, req, "user.logout", "user", req.principal ? req.principal->subject : ""));
  }
  net::HttpResponse r = Ok(Json{{"logged_out", true}});
  r.headers.emplace_back("Set-Cookie", SessionSetCookie("", ctx.tls));
  return r;
}

Result<net::HttpResponse> ListUsers(const ApiContext& ctx, const ApiRequest&) {
  TILSYN_ASSIGN_OR_RETURN(auto users, ctx.store->ListUsers());
  Json out = Json::array();
  const TimeMs now = ctx.clock->NowMs();
  for (const auto& u : users) out.push_back(UserToJson(u, now));
  return Ok(Json{{"users", out}});
}

Result<net::HttpResponse> CreateUser(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Json body, ParseObjectBody(req.http));
  TILSYN_RETURN_IF_ERROR(OnlyMembers(body, {"name", "role", "password", "units"}));
  store::UserRecord u;
  TILSYN_ASSIGN_OR_RETURN(u.name, GetString(body, "name", "name"));
  TILSYN_RETURN_IF_ERROR(CheckAccountName(u.name));
  TILSYN_ASSIGN_OR_RETURN(u.role, PersonRole(body));
  if (body.contains("units")) {
    TILSYN_ASSIGN_OR_RETURN(u.units, Units(body));
  }
  TILSYN_ASSIGN_OR_RETURN(std::string password, GetString(body, "password", "password"));
  TILSYN_ASSIGN_OR_RETURN(u.password_hash, HashPassword(password));
  u.created_ms = u.updated_ms = ctx.clock->NowMs();
  TILSYN_RETURN_IF_ERROR(ctx.store->WithAudit(
      RequestAudit(ctx, req, "user.create", "user", u.name, "",
                   {{"role", std::string(store::ToString(u.role))}, {"units", u.units}}),
      [&](store::Store& s) { return s.CreateUser(u); }));
  return Created(UserToJson(u, u.created_ms));
}

Result<net::HttpResponse> ChangeUser(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(Json body, ParseObjectBody(req.http));
  TILSYN_RETURN_IF_ERROR(OnlyMembers(body, {"role", "password", "units", "disabled", "unlock"}));
  if (body.empty()) {
    return Status::InvalidArgument("give role, units, password, disabled or unlock", "body");
  }
  const std::string& name = req.Param("name");
  Result<store::UserRecord> found = ctx.store->GetUser(name);
  if (!found.ok() && found.status().code() == Code::kNotFound) {
    return Status::NotFound("no user " + name, "name");
  }
  TILSYN_RETURN_IF_ERROR(found.status());
  store::UserRecord u = *found;
  Json details = Json::object();
  bool end_sessions = false;
  if (body.contains("role")) {
    TILSYN_ASSIGN_OR_RETURN(u.role, PersonRole(body));
    details["role"] = {{"from", std::string(store::ToString(found->role))},
                       {"to", std::string(store::ToString(u.role))}};
  }
  if (body.contains("units")) {
    TILSYN_ASSIGN_OR_RETURN(u.units, Units(body));
    details["units"] = {{"from", found->units}, {"to", u.units}};
  }
  if (body.contains("password")) {
    TILSYN_ASSIGN_OR_RETURN(std::string password, GetString(body, "password", "password"));
    TILSYN_ASSIGN_OR_RETURN(u.password_hash, HashPassword(password));
    details["password"] = "changed";
    end_sessions = true;
    u.failed_logins = 0;  // a new password starts without the old one's failures
    u.locked_until_ms = 0;
  }
  if (body.contains("unlock")) {
    if (!body["unlock"].is_boolean()) {
      return Status::InvalidArgument("unlock must be true or false", "unlock");
    }
    if (body["unlock"].get<bool>()) {
      u.failed_logins = 0;
      u.locked_until_ms = 0;
      details["unlock"] = true;
    }
  }
  if (body.contains("disabled")) {
    if (!body["disabled"].is_boolean()) {
      return Status::InvalidArgument("disabled must be true or false", "disabled");
    }
    u.disabled = body["disabled"].get<bool>();
    details["disabled"] = u.disabled;
    end_sessions = end_sessions || u.disabled;
  }
  if (req.principal && req.principal->subject == u.name &&
      (u.role != store::Role::kAdmin || u.disabled)) {
    return Status::FailedPrecondition("an admin cannot demote or disable their own account",
                                      "name");
  }
  u.updated_ms = ctx.clock->NowMs();
  TILSYN_RETURN_IF_ERROR(
      ctx.store->WithAudit(RequestAudit(ctx, req, "user.change", "user", u.name, "", details),
                           [&](store::Store& s) -> Status {
                             TILSYN_RETURN_IF_ERROR(s.UpdateUser(u));
                             // A role or unit change takes effect on the next request anyway
                             // (sessions read the account each time).
                             return end_sessions ? s.DeleteSessions(u.name) : Status::Ok();
                           }));
  return Ok(UserToJson(u, u.updated_ms));
}

Result<net::HttpResponse> ListTokens(const ApiContext& ctx, const ApiRequest&) {
  TILSYN_ASSIGN_OR_RETURN(auto tokens, ctx.store->ListTokens());
  Json out = Json::array();
  for (const auto& t : tokens) {
    Json j = {{"id", TokenId(t.token_hash)},
              {"role", std::string(store::ToString(t.role))},
              {"subject", t.subject},
              {"created_at", FormatIso8601(t.created_ms)},
              {"expires_at", t.expires_ms ? Json(FormatIso8601(t.expires_ms)) : Json(nullptr)},
              {"revoked_at", t.revoked_ms ? Json(FormatIso8601(t.revoked_ms)) : Json(nullptr)}};
    out.push_back(std::move(j));
  }
  return Ok(Json{{"tokens", out}});
}

Result<net::HttpResponse> RevokeToken(const ApiContext& ctx, const ApiRequest& req) {
  const std::string& id = req.Param("id");
  if (id.size() != 12) return Status::InvalidArgument("a token id has 12 hex digits", "id");
  TILSYN_ASSIGN_OR_RETURN(auto tokens, ctx.store->ListTokens());
  auto it = std::find_if(tokens.begin(), tokens.end(),
                         [&](const store::TokenRecord& t) { return TokenId(t.token_hash) == id; });
  if (it == tokens.end()) return Status::NotFound("no token " + id, "id");
  const TimeMs now = ctx.clock->NowMs();
  TILSYN_RETURN_IF_ERROR(ctx.store->WithAudit(
      RequestAudit(ctx, req, "token.revoke", "token", id, "",
                   {{"role", std::string(store::ToString(it->role))}, {"subject", it->subject}}),
      [&](store::Store& s) { return s.RevokeToken(it->token_hash, now); }));
  return Ok(Json{{"id", id}, {"revoked_at", FormatIso8601(it->revoked_ms ? it->revoked_ms : now)}});
}

}  // namespace

void RegisterAccountRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"POST",
              "/api/v1/login",
              {},
              "Log in with a name and password: a session cookie (HttpOnly, SameSite=Strict) and "
              "the CSRF token to send as X-CSRF-Token; 429 while the account is locked",
              "accounts",
              {},
              "Login",
              "application/json",
              "Session",
              200},
             [ctx](const ApiRequest& r) { return PostLogin(ctx, r); });
  router.Add({"POST", "/api/v1/logout", kPeople, "End the web session", "accounts"},
             [ctx](const ApiRequest& r) { return PostLogout(ctx, r); });
  router.Add(
      {"GET", "/api/v1/users", kAdminOnly, "People's accounts (no password hashes)", "accounts"},
      [ctx](const ApiRequest& r) { return ListUsers(ctx, r); });
  router.Add({"POST",
              "/api/v1/users",
              kAdminOnly,
              "Create an account: name, role (admin, inspector, dpo), password (at least 10 "
              "characters), units",
              "accounts",
              {},
              "UserCreate",
              "application/json",
              "User",
              201},
             [ctx](const ApiRequest& r) { return CreateUser(ctx, r); });
  router.Add({"PATCH",
              "/api/v1/users/{name}",
              kAdminOnly,
              "Change an account's role, units or password, or disable it (ends its sessions)",
              "accounts",
              {},
              "UserChange",
              "application/json",
              "User",
              200},
             [ctx](const ApiRequest& r) { return ChangeUser(ctx, r); });
  router.Add({"GET", "/api/v1/tokens", kAdminOnly,
              "Bearer tokens by id (the first 12 hex digits of their hash), with expiry and "
              "revocation",
              "accounts"},
             [ctx](const ApiRequest& r) { return ListTokens(ctx, r); });
  router.Add({"DELETE", "/api/v1/tokens/{id}", kAdminOnly, "Revoke a token", "accounts"},
             [ctx](const ApiRequest& r) { return RevokeToken(ctx, r); });
}

}  // namespace tilsyn::server
