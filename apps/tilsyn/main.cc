// tilsyn: the server and admin command line. Only flag parsing (CLI11) and dispatch live here;
// each subcommand is a function in its module (server/cli.h; demo/ adds `demo` the same way).
#include <CLI/CLI.hpp>
#include <iostream>

#include "core/version.h"
#include "coverage/basemap/basemap_cli.h"
#include "coverage/coverage_cli.h"
#include "demo/demo.h"
#include "eval/anonymizer_eval.h"
#include "eval/recognizer_eval.h"
#include "imaging/anonymize_command.h"
#include "recognition/serve/kserve_server.h"
#include "server/cli.h"
#include "server/dataset_cli.h"
#include "server/export_cli.h"
#include "server/migrate_cli.h"
#include "server/models_cli.h"
#include "server/permit_cli.h"
#include "server/privacy_cli.h"

namespace {

// Adds --config / --listen / --port / --data-dir / --database; the optionals are filled after
// parsing.
struct ServerOptions {
  std::string config_file, listen, data_dir, database;
  int port = 0;
  CLI::Option* listen_opt = nullptr;
  CLI::Option* port_opt = nullptr;
  CLI::Option* data_dir_opt = nullptr;
  CLI::Option* database_opt = nullptr;

  void Add(CLI::App* cmd, bool with_listen) {
    cmd->add_option("--config", config_file, "JSON configuration file");
    if (with_listen) {
      listen_opt = cmd->add_option("--listen", listen, "listen address (default 127.0.0.1)");
      port_opt =
          cmd->add_option("--port", port, "port (0 = any free port)")->check(CLI::Range(0, 65535));
    }
    data_dir_opt = cmd->add_option("--data-dir", data_dir, "data directory");
    database_opt = cmd->add_option("--database", database,
                                   "postgresql://… (default: SQLite in the data directory)");
  }

  tilsyn::server::ServeFlags Flags() const {
    tilsyn::server::ServeFlags f;
    f.config_file = config_file;
    if (listen_opt && listen_opt->count()) f.listen = listen;
    if (port_opt && port_opt->count()) f.port = port;
    if (data_dir_opt && data_dir_opt->count()) f.data_dir = data_dir;
    if (database_opt && database_opt->count()) f.database = database;
    return f;
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tilsyn — camera-based municipal inspections"};
  app.set_version_flag("--version", std::string("tilsyn ") + tilsyn::kSoftwareVersion);
  app.require_subcommand(1);

  ServerOptions serve_opts;
  CLI::App* serve = app.add_subcommand("serve", "run the HTTP API and the pipeline");
  serve_opts.Add(serve, /*with_listen=*/true);
  bool dev_generate_key = false;
  serve->add_flag("--dev-generate-key", dev_generate_key,
                  "without a configured image key, keep a generated one in DATA_DIR/dev-image.key "
                  "(development only)");
  std::optional<std::string> tls_cert, tls_key;
  serve->add_option("--tls-cert", tls_cert, "HTTPS: PEM certificate chain (with --tls-key)");
  serve->add_option("--tls-key", tls_key, "HTTPS: PEM private key (with --tls-cert)");
  std::optional<std::string> tls_client_ca;
  serve->add_option("--tls-client-ca", tls_client_ca,
                    "mTLS: PEM CA of the vehicles' client certificates (CN = vehicle id); vehicle "
                    "tokens then need their certificate");
  std::optional<std::string> role;
  serve->add_option("--role", role,
                    "all (API and pipeline, default) | api (API only) | worker (pipeline only; "
                    "the port answers /healthz and /readyz)");

  CLI::App* admin = app.add_subcommand("admin", "administration (tokens, accounts, vehicles)");
  admin->require_subcommand(1);

  tilsyn::server::CreateTokenFlags token_flags;
  ServerOptions token_opts;
  CLI::App* create_token = admin->add_subcommand("create-token", "issue a bearer token");
  create_token->add_option("--role", token_flags.role, "admin | inspector | dpo | vehicle")
      ->required()
      ->check(CLI::IsMember({"admin", "inspector", "dpo", "vehicle"}));
  create_token->add_option("--subject", token_flags.subject, "user name, or the vehicle id")
      ->required();
  create_token
      ->add_option("--expires-days", token_flags.expires_days,
                   "the token stops working after this many days (default: never)")
      ->check(CLI::Range(1, 3650));
  token_opts.Add(create_token, /*with_listen=*/false);

  tilsyn::server::CreateUserFlags user_flags;
  ServerOptions user_opts;
  CLI::App* create_user = admin->add_subcommand(
      "create-user", "create a person's account for the web UI (password read from stdin)");
  create_user->add_option("--name", user_flags.name, "login name")->required();
  create_user->add_option("--role", user_flags.role, "admin | inspector | dpo")
      ->required()
      ->check(CLI::IsMember({"admin", "inspector", "dpo"}));
  create_user
      ->add_option("--units", user_flags.units,
                   "units an inspector works for, comma-separated (default: all)")
      ->delimiter(',');
  user_opts.Add(create_user, /*with_listen=*/false);

  tilsyn::server::CreateVehicleFlags vehicle_flags;
  ServerOptions vehicle_opts;
  CLI::App* create_vehicle = admin->add_subcommand("create-vehicle", "register a vehicle");
  create_vehicle->add_option("--name", vehicle_flags.name, "vehicle name")->required();
  create_vehicle->add_option("--kind", vehicle_flags.kind, "sweeper, waste_truck, …");
  create_vehicle->add_option("--lane", vehicle_flags.lane, "roadway | bike_lane | both")
      ->check(CLI::IsMember({"roadway", "bike_lane", "both"}));
  vehicle_opts.Add(create_vehicle, /*with_listen=*/false);

  ServerOptions rotate_opts;
  CLI::App* rotate_key = admin->add_subcommand(
      "rotate-key", "re-encrypt every stored image to the current key (TILSYN_IMAGE_KEYS)");
  rotate_opts.Add(rotate_key, /*with_listen=*/false);

  CLI::App* audit = app.add_subcommand("audit", "the audit trail");
  audit->require_subcommand(1);
  ServerOptions verify_opts;
  bool verify_json = false;
  CLI::App* audit_verify = audit->add_subcommand(
      "verify", "check the hash chain: exit 0 intact, 1 broken (prints the first bad seq)");
  verify_opts.Add(audit_verify, /*with_listen=*/false);
  audit_verify->add_flag("--json", verify_json, "print the result as JSON");

  tilsyn::server::MigrateFlags migrate_flags;
  ServerOptions migrate_opts;
  CLI::App* migrate = app.add_subcommand(
      "migrate", "copy this install (SQLite + image folder) into an empty PostgreSQL database");
  migrate_opts.Add(migrate, /*with_listen=*/false);
  migrate->add_option("--to", migrate_flags.to, "postgresql://… (the target)")->required();

  ServerOptions record_opts;
  bool record_json = false;
  CLI::App* processing_record = app.add_subcommand(
      "processing-record", "the DPO's processing record per purpose (task kind)");
  record_opts.Add(processing_record, /*with_listen=*/false);
  processing_record->add_flag("--json", record_json, "print one JSON object");

  tilsyn::demo::DemoOptions demo_opts;
  int demo_port = 0;
  CLI::App* demo = app.add_subcommand("demo", "run the whole value chain on embedded defaults");
  demo->add_option("--data-dir", demo_opts.data_dir,
                   "where server, agents and logs go (default demo-data)");
  demo->add_option(
      "--database", demo_opts.database,
      "an empty PostgreSQL database (postgresql://…) instead of SQLite in the data directory");
  demo->add_flag("--json", demo_opts.json, "print the summary as one JSON object");
  demo->add_flag("--serve", demo_opts.serve, "keep the server running afterwards (port 8080)");
  demo->add_option("--port", demo_port, "server port (0 = any free port)")
      ->check(CLI::Range(0, 65535));
  demo->add_option("--speed", demo_opts.speed, "GPS replay acceleration (default 20)")
      ->check(CLI::PositiveNumber);
  demo->add_option("--timeout", demo_opts.timeout_s, "give up after this many seconds")
      ->check(CLI::PositiveNumber);

  tilsyn::imaging::AnonymizeFlags anon_flags;
  CLI::App* anonymize = app.add_subcommand(
      "anonymize",
      "blur faces, plates and persons in an image file or folder (JPEG out, no metadata)");
  anonymize->add_option("IN", anon_flags.in, "image file or folder")->required();
  anonymize->add_option("OUT", anon_flags.out, "output file or folder")->required();
  anonymize->add_option("--models", anon_flags.options.model_dir, "model pack folder");
  anonymize->add_option(
      "--manifest", anon_flags.options.manifest,
      "model pack manifest outside the folder (e.g. docs/dev-model-pack.manifest.json)");
  anonymize->add_option("--blur", anon_flags.options.blur, "gaussian | pixelate | fill")
      ->check(CLI::IsMember({"gaussian", "pixelate", "fill"}));
  anonymize->add_option("--detectors", anon_flags.options.detectors,
                        "haar-face haar-plate hog-person dlib-hog-face blazeface pack pack:NAME");
  anonymize->add_option("--person", anon_flags.options.person_mode, "head | full | off");

  CLI::App* eval_cmd = app.add_subcommand("eval", "evaluations on annotated sets");
  eval_cmd->require_subcommand(1);
  tilsyn::eval::EvalAnonymizerFlags eval_anon;
  CLI::App* eval_anonymizer = eval_cmd->add_subcommand(
      "anonymizer", "recall, precision and blurred area per class and size; ms per megapixel");
  eval_anonymizer->add_option("--labels", eval_anon.labels, "JSON list, COCO JSON or YOLO folder")
      ->required();
  eval_anonymizer->add_option("--images", eval_anon.images, "folder for relative image names");
  eval_anonymizer->add_option("--models", eval_anon.models, "model pack folder");
  eval_anonymizer->add_option("--manifest", eval_anon.manifest,
                              "model pack manifest outside the folder");
  eval_anonymizer->add_option("--detectors", eval_anon.detectors, "as for anonymize");
  eval_anonymizer->add_option("--blur", eval_anon.blur, "gaussian | pixelate | fill");
  eval_anonymizer->add_option(
      "--tile", eval_anon.tile,
      "pack models also run on tiles of about this side (0 = off; default 512)");
  eval_anonymizer->add_option("--haar-scale", eval_anon.haar_scale_factor,
                              "face cascades' pyramid step (default 1.1)");
  eval_anonymizer->add_flag("--json", eval_anon.json, "print one JSON object");

  tilsyn::eval::RecognizerEvalFlags eval_rec;
  CLI::App* eval_recognizer = eval_cmd->add_subcommand(
      "recognizer", "precision, recall and AP@0.5 per label of one service or the routed chain");
  eval_recognizer->add_option("--labels", eval_rec.labels, "JSON list, COCO JSON or YOLO folder")
      ->required();
  eval_recognizer->add_option("--images", eval_rec.images, "folder for relative image names");
  eval_recognizer->add_option("--service", eval_rec.service,
                              "configured service name (with --config) or built-in type");
  eval_recognizer->add_flag("--chain", eval_rec.chain,
                            "the routed chain of the configured services");
  eval_recognizer->add_option("--config", eval_rec.config, "server config with \"recognizers\"");
  eval_recognizer->add_option("--settings", eval_rec.settings, "JSON settings for --service TYPE");
  eval_recognizer->add_option("--min-score", eval_rec.min_score,
                              "operating score for precision/recall (default 0.5)");
  eval_recognizer->add_flag("--json", eval_rec.json, "print one JSON object");

  tilsyn::recognition::RecognizerServeFlags rserve;
  CLI::App* recognizer_cmd = app.add_subcommand("recognizer", "recognition services");
  recognizer_cmd->require_subcommand(1);
  CLI::App* recognizer_serve = recognizer_cmd->add_subcommand(
      "serve", "serve the local recognizers over the KServe v2 / Open Inference Protocol");
  recognizer_serve->add_option("--config", rserve.config_file, "JSON file with \"recognizers\"");
  recognizer_serve->add_option("--listen", rserve.listen, "listen address (default 127.0.0.1)");
  recognizer_serve->add_option("--port", rserve.port, "port (default 8500; 0 = any free port)")
      ->check(CLI::Range(0, 65535));

  // Training data from the boxes inspectors drew on kept images (src/server/dataset_cli.h).
  tilsyn::server::DatasetExportFlags dataset_flags;
  ServerOptions dataset_opts;
  CLI::App* dataset_cmd = app.add_subcommand("dataset", "training data for teaching a new object");
  dataset_cmd->require_subcommand(1);
  CLI::App* dataset_export = dataset_cmd->add_subcommand(
      "export", "labelled boxes on kept (anonymized) images as a YOLO folder with provenance");
  dataset_export->add_option("--out", dataset_flags.out, "folder to create")->required();
  dataset_export->add_option("--label", dataset_flags.labels, "only this label (repeatable)")
      ->allow_extra_args(false);
  dataset_export->add_flag("--json", dataset_flags.json, "print the summary as one JSON object");
  dataset_opts.Add(dataset_export, /*with_listen=*/false);

  // A retrained detector behind an evaluation gate (src/server/models_cli.h).
  tilsyn::server::ModelsInstallFlags models_flags;
  ServerOptions models_opts;
  CLI::App* models_cmd = app.add_subcommand("models", "detector model packs");
  models_cmd->require_subcommand(1);
  CLI::App* models_install = models_cmd->add_subcommand(
      "install",
      "install a retrained model pack if it is not worse than the current one on "
      "held-out labels (an evaluation gate, printed as a table)");
  models_install
      ->add_option("CANDIDATE", models_flags.gate.candidate,
                   "candidate pack folder (manifest.json + models)")
      ->required();
  models_install
      ->add_option("--labels", models_flags.gate.labels,
                   "held-out labelled set: annotation file or YOLO folder, or LABEL=PATH for one "
                   "label's row (repeatable)")
      ->required()
      ->allow_extra_args(false);
  models_install
      ->add_option("--images", models_flags.gate.images,
                   "images folder of each --labels (repeatable, in the same order)")
      ->allow_extra_args(false);
  models_install->add_option("--model", models_flags.gate.model, "model name (default street)");
  models_install->add_option("--tolerance", models_flags.gate.tolerance,
                             "AP@0.5 an existing label may lose (default 0.02)");
  models_install->add_flag("--allow-noise", models_flags.gate.allow_noise,
                           "also pass a larger loss while the 90% interval of the difference "
                           "(paired bootstrap over the images) reaches -tolerance");
  models_install->add_option(
      "--current", models_flags.gate.current,
      "pack to compare with (default: the installed one, else the project's)");
  models_install->add_flag("--dry-run", models_flags.dry_run, "evaluate only, install nothing");
  models_install->add_flag("--json", models_flags.json, "print the report as JSON");
  models_opts.Add(models_install, /*with_listen=*/false);

  // GPS history, street network and fleet coverage (src/coverage/coverage_cli.h).
  CLI::App* import_cmd =
      app.add_subcommand("import", "import GPS history, a street network or permits");
  import_cmd->require_subcommand(1);
  tilsyn::coverage::ImportGpsFlags gps_flags;
  CLI::App* import_gps = import_cmd->add_subcommand(
      "gps", "import GPS history (GPX, NMEA 0183, CSV, GeoJSON) into DATA_DIR/history");
  import_gps->add_option("FILES", gps_flags.files, "input files")->required();
  import_gps->add_option("--vehicle", gps_flags.vehicle,
                         "vehicle name (a CSV/GeoJSON vehicle field overrides it)");
  import_gps->add_option("--format", gps_flags.format, "auto | gpx | nmea | csv | geojson")
      ->check(CLI::IsMember({"auto", "gpx", "nmea", "csv", "geojson"}));
  import_gps->add_option("--csv-columns", gps_flags.csv_columns,
                         "e.g. vehicle=vehicle_id,time=timestamp_iso8601,lat=lat,lon=lon");
  import_gps->add_option(
      "--time-format", gps_flags.time_format,
      "iso8601 | epoch_s | epoch_ms | a strftime pattern (e.g. %d-%b-%Y %H:%M:%S)");
  import_gps->add_option("--data-dir", gps_flags.data_dir, "data directory (default tilsyn-data)");
  import_gps->add_flag("--json", gps_flags.json, "print the summary as one JSON object");
  tilsyn::coverage::ImportNetworkFlags net_flags;
  CLI::App* import_net = import_cmd->add_subcommand(
      "network",
      "import road centrelines / cycle tracks (GeoJSON, GeoPackage) into DATA_DIR/network");
  import_net->add_option("FILES", net_flags.files, "GeoJSON or .gpkg (GDAL) files")->required();
  import_net->add_option("--kind", net_flags.kind, "roadway | cycle_track (all features)");
  import_net->add_option("--kind-map", net_flags.kind_map,
                         "PROPERTY:VALUE=KIND,...,*=KIND (kind from a feature property)");
  import_net->add_flag("--replace", net_flags.replace, "replace the stored network");
  import_net->add_option("--data-dir", net_flags.data_dir, "data directory (default tilsyn-data)");
  tilsyn::coverage::ImportBasemapFlags basemap_flags;
  CLI::App* import_basemap = import_cmd->add_subcommand(
      "basemap",
      "import a base map layer (building footprints, street names …; GeoJSON, GeoPackage) into "
      "DATA_DIR/basemap, for maps without a tile server and the place search");
  import_basemap->add_option("FILES", basemap_flags.files, "GeoJSON or .gpkg (GDAL) files");
  import_basemap
      ->add_option("--layer", basemap_flags.layer,
                   "the layer's name (importing it again replaces it)")
      ->required();
  import_basemap->add_option("--name-fields", basemap_flags.name_fields,
                             "properties holding a feature's name, first found wins "
                             "(default name,navn,vejnavn,stednavn)");
  import_basemap->add_flag("--remove", basemap_flags.remove, "drop the layer");
  import_basemap->add_option("--data-dir", basemap_flags.data_dir,
                             "data directory (default tilsyn-data)");
  tilsyn::server::ImportPermitsFlags permit_flags;
  ServerOptions permit_opts;
  CLI::App* import_permits = import_cmd->add_subcommand(
      "permits", "import permits to occupy the street (CSV, GeoJSON) for permit-check tasks");
  import_permits->add_option("FILES", permit_flags.files, "CSV or GeoJSON files")->required();
  import_permits->add_option(
      "--columns", permit_flags.columns,
      "CSV columns, e.g. id=Tilladelse,lat=Bredde,lon=Laengde,valid_from=Fra,valid_to=Til");
  import_permits->add_flag("--json", permit_flags.json, "print the summary as one JSON object");
  permit_opts.Add(import_permits, /*with_listen=*/false);
  tilsyn::server::ExportFindingsFlags export_flags;
  ServerOptions export_opts;
  CLI::App* export_cmd =
      app.add_subcommand("export", "export findings or count series for GIS or a spreadsheet");
  export_cmd->require_subcommand(1);
  CLI::App* export_findings = export_cmd->add_subcommand(
      "findings", "findings (or every outcome) as GeoJSON or CSV, with place, time and task");
  export_findings->add_option("--format", export_flags.format, "geojson (default) | csv")
      ->check(CLI::IsMember({"geojson", "csv"}));
  export_findings->add_option("--task", export_flags.task_id, "only this task's assessments");
  export_findings->add_option("--outcome", export_flags.outcome,
                              "finding (default) | ok | inconclusive | all");
  export_findings->add_option("--from", export_flags.from, "captured at or after (RFC 3339)");
  export_findings->add_option("--to", export_flags.to, "captured before (RFC 3339)");
  export_findings->add_option("--out", export_flags.out, "file to write (default: stdout)");
  export_opts.Add(export_findings, /*with_listen=*/false);
  tilsyn::server::ExportFindingsFlags counts_flags;
  ServerOptions counts_opts;
  CLI::App* export_counts = export_cmd->add_subcommand(
      "counts", "the count series of count tasks, per street side, as GeoJSON or CSV");
  export_counts->add_option("--format", counts_flags.format, "geojson (default) | csv")
      ->check(CLI::IsMember({"geojson", "csv"}));
  export_counts->add_option("--task", counts_flags.task_id, "only this task's counts");
  export_counts->add_option("--from", counts_flags.from, "captured at or after (RFC 3339)");
  export_counts->add_option("--to", counts_flags.to, "captured before (RFC 3339)");
  export_counts->add_option("--out", counts_flags.out, "file to write (default: stdout)");
  counts_opts.Add(export_counts, /*with_listen=*/false);
  std::string evidence_file;
  CLI::App* evidence_cmd =
      app.add_subcommand("evidence", "evidence packages of findings (the API's evidence.zip)");
  evidence_cmd->require_subcommand(1);
  CLI::App* evidence_verify = evidence_cmd->add_subcommand(
      "verify", "check a package's files against its SHA-256 manifest");
  evidence_verify->add_option("FILE", evidence_file, "the .zip")->required();
  tilsyn::coverage::CoverageFlags cov_flags;
  CLI::App* coverage_cmd = app.add_subcommand(
      "coverage", "which vehicles pass each active task's site, how often, how fast, which lane");
  coverage_cmd->add_option("--data-dir", cov_flags.data_dir,
                           "data directory (default tilsyn-data)");
  coverage_cmd->add_option(
      "--database", cov_flags.database,
      "postgresql://… where the tasks are (default: SQLite in the data directory; "
      "TILSYN_DATABASE_URL)");
  coverage_cmd->add_option("--csv", cov_flags.csv, "also write one CSV row per site and vehicle");
  coverage_cmd->add_option("--geojson", cov_flags.geojson, "also write the sites as GeoJSON");
  coverage_cmd->add_option("--time-zone", cov_flags.time_zone,
                           "time zone of the time-of-day profile (default Europe/Copenhagen)");
  coverage_cmd->add_option("--threads", cov_flags.threads, "worker threads (0 = all cores)");
  coverage_cmd->add_option("--lane-snap-m", cov_flags.lane_snap_m,
                           "network segments within this distance vote on the lane (default 15)");
  coverage_cmd->add_flag("--json", cov_flags.json, "print the whole report as JSON");

  CLI11_PARSE(app, argc, argv);

  if (import_gps->parsed()) return tilsyn::coverage::RunImportGps(gps_flags);
  if (import_net->parsed()) return tilsyn::coverage::RunImportNetwork(net_flags);
  if (import_basemap->parsed()) return tilsyn::coverage::RunImportBasemap(basemap_flags);
  if (export_counts->parsed()) {
    counts_flags.server = counts_opts.Flags();
    counts_flags.outcome = "all";
    return tilsyn::server::RunExportCounts(counts_flags);
  }
  if (evidence_verify->parsed()) {
    return tilsyn::server::RunVerifyEvidence(evidence_file, std::cout, std::cerr);
  }
  if (export_findings->parsed()) {
    export_flags.server = export_opts.Flags();
    return tilsyn::server::RunExportFindings(export_flags);
  }
  if (models_install->parsed()) {
    models_flags.server = models_opts.Flags();
    return tilsyn::server::RunModelsInstall(models_flags);
  }
  if (dataset_export->parsed()) {
    dataset_flags.server = dataset_opts.Flags();
    return tilsyn::server::RunDatasetExport(dataset_flags);
  }
  if (import_permits->parsed()) {
    permit_flags.server = permit_opts.Flags();
    return tilsyn::server::RunImportPermits(permit_flags);
  }
  if (coverage_cmd->parsed()) return tilsyn::coverage::RunCoverage(cov_flags);

  if (recognizer_serve->parsed()) return tilsyn::recognition::RunRecognizerServe(rserve);

  if (anonymize->parsed()) return tilsyn::imaging::RunAnonymize(anon_flags);
  if (eval_anonymizer->parsed()) return tilsyn::eval::RunEvalAnonymizer(eval_anon);
  if (eval_recognizer->parsed()) return tilsyn::eval::RunEvalRecognizer(eval_rec);

  if (demo->parsed()) {
    demo_opts.port = static_cast<uint16_t>(demo_port);
    return tilsyn::demo::RunDemo(demo_opts);
  }

  if (serve->parsed()) {
    tilsyn::server::ServeFlags flags = serve_opts.Flags();
    flags.dev_generate_key = dev_generate_key;
    flags.tls_client_ca = tls_client_ca;
    flags.tls_cert = tls_cert;
    flags.tls_key = tls_key;
    flags.role = role;
    return tilsyn::server::RunServe(flags);
  }
  if (rotate_key->parsed()) return tilsyn::server::RunAdminRotateKey(rotate_opts.Flags());
  if (migrate->parsed()) {
    migrate_flags.server = migrate_opts.Flags();
    return tilsyn::server::RunMigrate(migrate_flags);
  }
  if (audit_verify->parsed())
    return tilsyn::server::RunAuditVerify(verify_opts.Flags(), verify_json);
  if (processing_record->parsed()) {
    return tilsyn::server::RunProcessingRecord(record_opts.Flags(), record_json);
  }
  if (create_token->parsed()) {
    token_flags.server = token_opts.Flags();
    return tilsyn::server::RunAdminCreateToken(token_flags);
  }
  if (create_user->parsed()) {
    user_flags.server = user_opts.Flags();
    return tilsyn::server::RunAdminCreateUser(user_flags);
  }
  if (create_vehicle->parsed()) {
    vehicle_flags.server = vehicle_opts.Flags();
    return tilsyn::server::RunAdminCreateVehicle(vehicle_flags);
  }
  return 2;
}
