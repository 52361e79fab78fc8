// App: a running `tilsyn serve` — store, blob store, ingest, recognizers, pipeline worker and the
// HTTP API, wired from a ServerConfig. Used by the CLI, the demo and integration tests.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "server/config.h"
#include "store/store.h"

namespace tilsyn::server {

class App {
 public:
  virtual ~App() = default;
  virtual uint16_t port() const = 0;
  virtual std::string base_url() const = 0;  // "http://127.0.0.1:PORT"
  virtual store::Store* store() = 0;
  // Runs one pipeline pass synchronously (tests).
  virtual Result<int> RunPipelineOnceForTest() = 0;
  virtual void Stop() = 0;
};

// Opens the data directory, migrates the database, starts the pipeline and the HTTP server.
Result<std::unique_ptr<App>> StartApp(const ServerConfig& config, Clock* clock);

// Creates a token with `role` for `subject` and stores its hash; returns the token (shown once).
// `lifetime_ms` > 0: the token expires that long after now.
Result<std::string> IssueToken(store::VehicleStore* store, const std::string& role,
                               const std::string& subject, Clock* clock, int64_t lifetime_ms = 0);

}  // namespace tilsyn::server
