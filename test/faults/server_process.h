// A real `tilsyn serve` as a child process on a fixed loopback port and data folder, so a
// scenario can SIGKILL it and start it again on the same data (the image key stays the same).
// Also the bits every fault scenario needs: an absence task with a webhook action, a vehicle,
// a street JPEG and an observation's metadata. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "core/clock.h"
#include "core/json_util.h"
#include "demo/api_client.h"
#include "demo/process.h"
#include "fakes/test_paths.h"
#include "geo/latlon.h"

namespace tilsyn::testing {

inline constexpr geo::LatLon kFaultSite{55.6880, 12.5530};

class ServerProcess {
 public:
  // `config`: written as the --config file (null = none). Creates an admin token.
  // `dir`: a scratch folder (its data folder is `dir`/server).
  ServerProcess(const std::string& dir, Json config = nullptr);
  ~ServerProcess();

  // Starts the server and waits until it answers /healthz (false after `timeout_s`).
  bool Start(int timeout_s = 30);
  void Kill();  // SIGKILL, reaped
  void Stop();  // SIGTERM, reaped
  bool running() const { return child_.has_value(); }

  const std::string& base() const { return base_; }
  const std::string& data_dir() const { return data_; }
  demo::ApiClient api() const { return demo::ApiClient(base_, admin_); }
  // The last start's log.
  std::string Log() const;

 private:
  std::string dir_;
  std::string data_, config_file_, base_, admin_;
  uint16_t port_ = 0;
  int starts_ = 0;
  std::optional<demo::ChildProcess> child_;
};

// An active absence task for a person at kFaultSite, valid from `valid_from_ms`, with a webhook
// to `webhook_url` on every outcome ("" = a log action only); its id.
std::string CreateFaultTask(const demo::ApiClient& api, TimeMs valid_from_ms,
                            const std::string& webhook_url);
// A registered vehicle's token.
std::string CreateFaultVehicle(const demo::ApiClient& api);
// A 320×240 street-like JPEG (noise), different per seed.
std::string FaultJpeg(int seed);
// An observation's upload metadata at kFaultSite.
Json FaultMetadata(const std::string& id, const std::string& task_id, TimeMs captured_ms);
// Waits until the server's summary counts `n` done observations and nothing pending; false
// after `timeout_s`.
bool WaitDone(const demo::ApiClient& api, int64_t n, int timeout_s);

struct Reckoning {
  int64_t lost = 0;                       // acknowledged, but missing or not done
  int64_t dup_assessments = 0;            // assessments beyond one per observation
  int64_t dup_deliveries_unrecorded = 0;  // webhook successes beyond the recorded attempts
  int64_t deliveries = 0;                 // webhook successes in all
  std::string detail;                     // the first few lost ids and their states
};
// Reads the stopped server's database: the state of every acknowledged observation, the
// assessments and the webhook action runs against what the receiver got (`successes_by_key`).
Reckoning Reckon(const std::string& data_dir, const std::set<std::string>& acked,
                 const std::map<std::string, int>& successes_by_key);

}  // namespace tilsyn::testing
