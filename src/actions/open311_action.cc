// "open311": a service request in a case system, Open311 GeoReport v2.
#include <cstdio>

#include "actions/action.h"
#include "core/number_format.h"
#include "net/http.h"
#include "net/http_client.h"

namespace tilsyn::actions {
namespace {

std::string Base(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// The error an Open311 server sends: [{"code": 400, "description": "…"}].
std::string ErrorDescription(const std::string& body) {
  Result<Json> j = ParseJson(body);
  if (j.ok() && j->is_array() && !j->empty() && (*j)[0].is_object()) {
    return StringOr((*j)[0], "description");
  }
  return "";
}

class Open311Action : public Action {
 public:
  Open311Action(std::function<Open311Settings(const store::ActionRunRecord&)> settings,
                std::string web_url, int timeout_ms, Clock* clock)
      : settings_(std::move(settings)),
        web_url_(Base(std::move(web_url))),
        timeout_ms_(timeout_ms),
        clock_(clock) {
    net::InitHttpClient();
  }

  AttemptResult Attempt(const store::ActionRunRecord& run) override {
    AttemptResult out;
    const Open311Settings s = settings_(run);
    if (s.service_code.empty()) {
      out.error = "the task no longer has this Open311 action";
      out.retryable = false;
      return out;
    }
    const Json& p = run.payload;
    const bool unvisited = p.value("event", "") == "unvisited";
    std::string description = p.value("task_title", "") + ": " + p.value("reason", "") +
                              (unvisited ? " (visit due since " + p.value("due_since", "") + ")"
                                         : " (captured " + p.value("captured_at", "") + ")");
    if (!web_url_.empty()) {
      description += unvisited ? " " + web_url_ + "/#/tasks/" + p.value("task_id", "")
                               : " " + web_url_ + "/#/findings/" + p.value("assessment_id", "");
    }
    description += " [Tilsyn ref " + run.idempotency_key + "]";
    std::string form = "service_code=" + net::UrlEncode(s.service_code) +
                       "&lat=" + FormatFixed(p.value("lat", 0.0), 7) +
                       "&long=" + FormatFixed(p.value("lon", 0.0), 7) +
                       "&description=" + net::UrlEncode(description);
    if (!s.api_key.empty()) form += "&api_key=" + net::UrlEncode(s.api_key);
    if (!s.jurisdiction_id.empty()) form += "&jurisdiction_id=" + net::UrlEncode(s.jurisdiction_id);
    net::ClientRequest req;
    req.method = "POST";
    req.url = Base(run.target) + "/requests.json";
    req.body = form;
    req.timeout_ms = timeout_ms_;
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Accept", "application/json"}};
    Result<net::ClientResponse> resp = net::Fetch(req);
    if (!resp.ok()) {
      out.error = resp.status().ToString();
      return out;  // retryable
    }
    out.status_code = resp->status;
    if (resp->status < 200 || resp->status >= 300) {
      const std::string why = ErrorDescription(resp->body);
      out.error = "HTTP " + std::to_string(resp->status) + (why.empty() ? "" : ": " + why);
      const bool client_error = resp->status >= 400 && resp->status < 500;
      out.retryable = !client_error || resp->status == 408 || resp->status == 429;
      return out;
    }
    // [{"service_request_id": "…", "service_notice": "…"}] or, for servers that create requests
    // later, [{"token": "…"}].
    Result<Json> j = ParseJson(resp->body);
    if (!j.ok() || !j->is_array() || j->empty() || !(*j)[0].is_object()) {
      out.error = "the case system's answer is not an Open311 service request list";
      return out;  // retryable: a proxy's error page
    }
    const Json& first = (*j)[0];
    Json result = {{"open", true}, {"status", "open"}, {"checked_ms", clock_->NowMs()}};
    if (first.contains("service_request_id")) {
      result["service_request_id"] = first["service_request_id"].is_string()
                                         ? first["service_request_id"].get<std::string>()
                                         : first["service_request_id"].dump();
    } else if (first.contains("token")) {
      result["token"] =
          first["token"].is_string() ? first["token"].get<std::string>() : first["token"].dump();
    } else {
      out.error = "the case system returned neither a service_request_id nor a token";
      return out;
    }
    if (first.contains("service_notice") && first["service_notice"].is_string()) {
      result["service_notice"] = first["service_notice"];
    }
    out.result = result;
    return out;
  }

  bool FollowsUp() const override { return true; }

  Result<Json> FollowUp(const store::ActionRunRecord& run) override {
    Json result = run.result;
    const Open311Settings s = settings_(run);
    std::string query;
    auto add = [&](const std::string& k, const std::string& v) {
      if (!v.empty()) query += (query.empty() ? "?" : "&") + k + "=" + net::UrlEncode(v);
    };
    add("api_key", s.api_key);
    add("jurisdiction_id", s.jurisdiction_id);
    if (!result.contains("service_request_id") && result.contains("token")) {
      // The request is not created yet: ask what became of the token.
      TILSYN_ASSIGN_OR_RETURN(
          Json list, Get(Base(run.target) + "/tokens/" +
                         net::UrlEncode(result["token"].get<std::string>()) + ".json" + query));
      if (list.is_array() && !list.empty() && list[0].contains("service_request_id")) {
        result["service_request_id"] = list[0]["service_request_id"].is_string()
                                           ? list[0]["service_request_id"].get<std::string>()
                                           : list[0]["service_request_id"].dump();
      }
      return result;
    }
    if (!result.contains("service_request_id")) {
      result["open"] = false;
      return result;
    }
    TILSYN_ASSIGN_OR_RETURN(
        Json list,
        Get(Base(run.target) + "/requests/" +
            net::UrlEncode(result["service_request_id"].get<std::string>()) + ".json" + query));
    if (!list.is_array() || list.empty() || !list[0].is_object()) {
      return Status::Unavailable("the case system's answer is not a service request list");
    }
    const Json& r = list[0];
    const std::string status = StringOr(r, "status", "open");
    result["status"] = status;
    if (r.contains("status_notes") && r["status_notes"].is_string())
      result["status_notes"] = r["status_notes"];
    if (r.contains("updated_datetime") && r["updated_datetime"].is_string()) {
      result["updated_datetime"] = r["updated_datetime"];
    }
    result["open"] = status != "closed";
    result.erase("follow_up_error");
    return result;
  }

 private:
  Result<Json> Get(const std::string& url) {
    net::ClientRequest req;
    req.method = "GET";
    req.url = url;
    req.timeout_ms = timeout_ms_;
    req.headers = {{"Accept", "application/json"}};
    TILSYN_ASSIGN_OR_RETURN(net::ClientResponse resp, net::Fetch(req));
    if (resp.status < 200 || resp.status >= 300) {
      return Status::Unavailable("HTTP " + std::to_string(resp.status) + " from the case system");
    }
    return ParseJson(resp.body);
  }

  std::function<Open311Settings(const store::ActionRunRecord&)> settings_;
  std::string web_url_;
  int timeout_ms_;
  Clock* clock_;
};

}  // namespace

std::unique_ptr<Action> NewOpen311Action(
    std::function<Open311Settings(const store::ActionRunRecord&)> settings_for_run,
    std::string web_url, int timeout_ms, Clock* clock) {
  return std::make_unique<Open311Action>(std::move(settings_for_run), std::move(web_url),
                                         timeout_ms, clock);
}

}  // namespace tilsyn::actions
