// Scenario: the demo's world — a street grid placed in central Copenhagen, inspection sites
// (tasks of kinds presence, absence and count) along the vehicles' routes, and for each vehicle
// a GPS replay file and a replay camera (index.csv of positions → frames). Integration tests
// build smaller scenarios with the same pieces.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "demo/frames.h"
#include "demo/route.h"

namespace tilsyn::demo {

struct Site {
  std::string name;     // task title
  Json task;            // task JSON for POST /api/v1/tasks (area, kind, targets, …)
  geo::LatLon anchor;   // where the camera frame for this site is registered (the replay
                        // camera shows the frame of the nearest anchor: put it where vehicles enter)
  Scene scene = Scene::kNoPerson;
  int variant = 0;      // which frame of the scene (videos have several)
  // Ground truth: the distinct outcomes the task's assessments must have, sorted and joined with
  // "+" (e.g. "ok", "finding", "finding+ok" for a before/after site: reference ok, change found).
  std::string expected;
  // Why the chain does not reach `expected` today ("" = it must): shown in the summary, and the
  // demo test fails once the chain does reach it, so the note cannot go stale.
  std::string known_miss;
  // Vehicles that see another scene here than `scene` (a permit site: the first passer sees the
  // empty street, a later one the container).
  std::map<std::string, Scene> scene_by_vehicle = {};
};

struct VehiclePlan {
  std::string name;
  std::string kind;     // sweeper, waste_truck
  std::string lane;     // roadway, bike_lane
  std::vector<geo::LatLon> route;
  std::string gps_format = "nmea";  // nmea or gpx
  // Filled by WriteScenarioFiles:
  std::string gps_path;
  std::string camera_dir;
  int fixes = 0;
};

struct Scenario {
  std::vector<Site> sites;
  std::vector<Json> permits;  // for POST /api/v1/permits (permit-check sites)
  std::vector<VehiclePlan> vehicles;
  double speed_kmh = 25;
  double gps_noise_m = 1.5;
  TimeMs start_ms = 0;  // time of the first fix
};

// The default demo world, with fixes starting at `start_ms` and webhooks to `webhook_url`.
Scenario DefaultScenario(TimeMs start_ms, const std::string& webhook_url);

// Writes each vehicle's GPS file and camera index under `dir`; frames near each site that the
// vehicle's route passes are the site's scene.
Status WriteScenarioFiles(Scenario& s, const std::string& dir);

// A task JSON skeleton valid from a day before `now` for 30 days.
Json TaskJson(const std::string& title, const std::string& kind, const Json& area,
              const std::string& label, double min_confidence, TimeMs now);

}  // namespace tilsyn::demo
