// Integration harness: a real server (in-process App on port 0, SQLite in a temp folder), a
// loopback webhook receiver, and helpers to create tasks and vehicles through the HTTP API and
// run real tilsyn-agent processes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "demo/api_client.h"
#include "demo/process.h"
#include "demo/scenario.h"
#include "demo/summary.h"
#include "demo/webhook_receiver.h"
#include "fakes/test_certs.h"
#include "fakes/test_paths.h"
#include "server/app.h"

namespace tilsyn::testing {

// Runs a command to its end; its stdout without the trailing newline (a non-zero exit fails the
// test).
std::string RunCapture(const std::vector<std::string>& argv);
// Waits up to `timeout_s` for GET `base`/healthz to answer 200.
bool WaitHealthy(const std::string& base, int timeout_s = 10);
// POSTs one observation (multipart: metadata + JPEG) with a vehicle token, as the agent does;
// the HTTP status, or the transport error.
Result<int> UploadObservation(const std::string& base, const std::string& token,
                              const Json& metadata, const std::string& jpeg, int timeout_ms = 5000);

// A GPS replay and its camera folder: a drive 200 m east from `from` at GPS time `start`
// (20 km/h), whose camera shows a street without people at `site`.
struct DriveFiles {
  std::string gps, camera;
};
DriveFiles WriteDrivePast(const TempDir& dir, const std::string& name, geo::LatLon from,
                          geo::LatLon site, TimeMs start);

struct VehicleCreds {
  std::string id;
  std::string token;
};

// How the server is reached: plain HTTP on loopback (the default), HTTPS with a test CA made in
// the test (test/fakes/test_certs.h), and with mTLS for vehicles on top.
struct ChainOptions {
  bool tls = false;
  bool vehicle_certs = false;  // needs tls
  // false: uploads are stored (decoded and sealed, anonymized later) and nothing is assessed —
  // for tests about delivery alone.
  bool pipeline = true;
  int coverage_top_k = 10;  // the planner's top-k (server default)
  int visit_check_s = 600;  // how often sites nobody visits are checked (server default)
};

class ChainHarness {
 public:
  // Starts the server and the receiver; fails the test (via gtest) on error. With TLS, skips the
  // test when Debian's openssl tool is missing (tls_ready() false).
  explicit ChainHarness(ChainOptions options = {});
  bool tls_ready() const { return !options_.tls || !certs_.ca.empty(); }
  const TestCerts& certs() const { return certs_; }
  ~ChainHarness();

  server::App& app() { return *app_; }
  store::Store& store() { return *app_->store(); }
  demo::ApiClient& api() { return *api_; }
  demo::WebhookReceiver& hook() { return *hook_; }
  const TempDir& dir() const { return dir_; }

  // Creates and activates a task; returns its id.
  std::string CreateActiveTask(const Json& task);
  VehicleCreds RegisterVehicle(const std::string& name);
  // Starts tilsyn-agent with the given GPS file and camera folder (no pacing: speed 0). With TLS
  // the agent trusts `ca_file` ("" = the test CA) and, with vehicle certificates, presents a
  // certificate made for the vehicle. `extra` goes on the command line last.
  demo::ChildProcess StartAgent(const VehicleCreds& v, const std::string& data_dir,
                                const std::string& gps, const std::string& camera_dir,
                                const std::string& server_url = "", const std::string& ca_file = "",
                                const std::vector<std::string>& extra = {});
  // Waits until every observation is done/failed and no action run is pending.
  bool WaitDrained(int timeout_s);

 private:
  ChainOptions options_;
  TempDir dir_;
  TestCerts certs_;
  std::unique_ptr<server::App> app_;
  std::unique_ptr<demo::ApiClient> api_;
  std::unique_ptr<demo::WebhookReceiver> hook_;
};

using demo::ReadAgentReport;

}  // namespace tilsyn::testing
