// tilsyn: the server and admin command line. Only flag parsing (CLI11) and dispatch live here;
// each subcommand is a function in its module (server/cli.h; demo/ adds `demo` the same way).
#include <CLI/CLI.hpp>

#include "demo/demo.h"
#include "server/cli.h"

namespace {

// Adds --config / --listen / --port / --data-dir; the optionals are filled after parsing.
struct ServerOptions {
  std::string config_file, listen, data_dir;
  int port = 0;
  CLI::Option* listen_opt = nullptr;
  CLI::Option* port_opt = nullptr;
  CLI::Option* data_dir_opt = nullptr;

  void Add(CLI::App* cmd, bool with_listen) {
    cmd->add_option("--config", config_file, "JSON configuration file");
    if (with_listen) {
      listen_opt = cmd->add_option("--listen", listen, "listen address (default 127.0.0.1)");
      port_opt =
          cmd->add_option("--port", port, "port (0 = any free port)")->check(CLI::Range(0, 65535));
    }
    data_dir_opt = cmd->add_option("--data-dir", data_dir, "data directory");
  }

  tilsyn::server::ServeFlags Flags() const {
    tilsyn::server::ServeFlags f;
    f.config_file = config_file;
    if (listen_opt && listen_opt->count()) f.listen = listen;
    if (port_opt && port_opt->count()) f.port = port;
    if (data_dir_opt && data_dir_opt->count()) f.data_dir = data_dir;
    return f;
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tilsyn — camera-based municipal inspections"};
  app.require_subcommand(1);

  ServerOptions serve_opts;
  CLI::App* serve = app.add_subcommand("serve", "run the HTTP API and the pipeline");
  serve_opts.Add(serve, /*with_listen=*/true);

  CLI::App* admin = app.add_subcommand("admin", "administration (tokens, vehicles)");
  admin->require_subcommand(1);

  tilsyn::server::CreateTokenFlags token_flags;
  ServerOptions token_opts;
  CLI::App* create_token = admin->add_subcommand("create-token", "issue a bearer token");
  create_token->add_option("--role", token_flags.role, "admin | inspector | dpo | vehicle")
      ->required()
      ->check(CLI::IsMember({"admin", "inspector", "dpo", "vehicle"}));
  create_token->add_option("--subject", token_flags.subject, "user name, or the vehicle id")
      ->required();
  token_opts.Add(create_token, /*with_listen=*/false);

  tilsyn::server::CreateVehicleFlags vehicle_flags;
  ServerOptions vehicle_opts;
  CLI::App* create_vehicle = admin->add_subcommand("create-vehicle", "register a vehicle");
  create_vehicle->add_option("--name", vehicle_flags.name, "vehicle name")->required();
  create_vehicle->add_option("--kind", vehicle_flags.kind, "sweeper, waste_truck, …");
  create_vehicle->add_option("--lane", vehicle_flags.lane, "roadway | bike_lane | both")
      ->check(CLI::IsMember({"roadway", "bike_lane", "both"}));
  vehicle_opts.Add(create_vehicle, /*with_listen=*/false);

  tilsyn::demo::DemoOptions demo_opts;
  int demo_port = 0;
  CLI::App* demo = app.add_subcommand("demo", "run the whole value chain on embedded defaults");
  demo->add_option("--data-dir", demo_opts.data_dir, "where server, agents and logs go (default demo-data)");
  demo->add_flag("--json", demo_opts.json, "print the summary as one JSON object");
  demo->add_flag("--serve", demo_opts.serve, "keep the server running afterwards (port 8080)");
  demo->add_option("--port", demo_port, "server port (0 = any free port)")->check(CLI::Range(0, 65535));
  demo->add_option("--speed", demo_opts.speed, "GPS replay acceleration (default 20)")->check(CLI::PositiveNumber);
  demo->add_option("--timeout", demo_opts.timeout_s, "give up after this many seconds")->check(CLI::PositiveNumber);

  CLI11_PARSE(app, argc, argv);

  if (demo->parsed()) {
    demo_opts.port = static_cast<uint16_t>(demo_port);
    return tilsyn::demo::RunDemo(demo_opts);
  }

  if (serve->parsed()) return tilsyn::server::RunServe(serve_opts.Flags());
  if (create_token->parsed()) {
    token_flags.server = token_opts.Flags();
    return tilsyn::server::RunAdminCreateToken(token_flags);
  }
  if (create_vehicle->parsed()) {
    vehicle_flags.server = vehicle_opts.Flags();
    return tilsyn::server::RunAdminCreateVehicle(vehicle_flags);
  }
  return 2;
}
