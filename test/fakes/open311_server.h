// CaseSystem: an Open311 GeoReport v2 case system for tests on 127.0.0.1 (a free port):
// POST /o311/requests.json records each form and answers from `create` (status, body) in turn,
// then 201 with SR-1; GET /o311/requests/SR-1.json answers with `case_status` and `notes`;
// GET /o311/tokens/T-9.json resolves a token. Lock `mu` to read or change the members while it
// runs.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/json_util.h"
#include "net/http.h"
#include "net/http_server.h"

namespace tilsyn::testing {

struct CaseSystem {
  std::mutex mu;
  std::vector<std::map<std::string, std::string>> posts;
  std::vector<std::pair<int, std::string>> create;
  std::string case_status = "open";
  std::string notes;
  std::string requests_body;  // when set, GET /o311/requests/SR-1.json answers this instead
  int gets = 0;
  std::unique_ptr<net::HttpServer> server;

  void Start() {
    net::HttpServerOptions o;
    o.address = "127.0.0.1";
    o.port = 0;
    auto started = net::StartHttpServer(o, [this](const net::HttpRequest& req) {
      std::lock_guard<std::mutex> l(mu);
      net::HttpResponse r;
      r.content_type = "application/json";
      if (req.method == "POST" && req.path == "/o311/requests.json") {
        posts.push_back(net::ParseQuery(req.body));
        const size_t i = posts.size() - 1;
        if (i < create.size()) {
          r.status = create[i].first;
          r.body = create[i].second;
        } else {
          r.status = 201;
          r.body = R"([{"service_request_id": "SR-1", "service_notice": "Modtaget"}])";
        }
      } else if (req.method == "GET" && req.path == "/o311/tokens/T-9.json") {
        r.body = R"([{"service_request_id": "SR-1", "token": "T-9"}])";
      } else if (req.method == "GET" && req.path == "/o311/requests/SR-1.json") {
        ++gets;
        if (!requests_body.empty()) {
          r.body = requests_body;
          return r;
        }
        r.body = Json::array({{{"service_request_id", "SR-1"},
                               {"status", case_status},
                               {"status_notes", notes},
                               {"updated_datetime", "2026-12-07T09:00:00+01:00"}}})
                     .dump();
      } else {
        r.status = 404;
        r.body = R"([{"code": 404, "description": "not found"}])";
      }
      return r;
    });
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    server = std::move(*started);
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server->port()) + "/o311"; }
  ~CaseSystem() {
    if (server) server->Stop();
  }
};

}  // namespace tilsyn::testing
