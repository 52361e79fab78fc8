#include "demo/scenario.h"

#include <sstream>

#include "core/file_util.h"
#include "core/time_format.h"

namespace tilsyn::demo {
namespace {

constexpr geo::LatLon kGridOrigin{55.6785, 12.5700};  // Indre By, south-west corner of the grid
constexpr double kBlockM = 150;

Json Circle(geo::LatLon c, double r) {
  return {{"type", "Point"}, {"coordinates", {c.lon, c.lat}}, {"radius_m", r}};
}

Json Square(geo::LatLon c, double half_m) {
  Json ring = Json::array();
  for (auto [e, n] :
       std::vector<std::pair<double, double>>{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}, {-1, -1}}) {
    geo::LatLon p = geo::Offset(geo::Offset(c, 90, e * half_m), 0, n * half_m);
    ring.push_back({p.lon, p.lat});
  }
  return {{"type", "Polygon"}, {"coordinates", {ring}}};
}

Json Corridor(geo::LatLon a, geo::LatLon b, double buffer) {
  return {{"type", "LineString"},
          {"coordinates", {{a.lon, a.lat}, {b.lon, b.lat}}},
          {"buffer_m", buffer}};
}

}  // namespace

Json TaskJson(const std::string& title, const std::string& kind, const Json& area,
              const std::string& label, double min_confidence, TimeMs now) {
  return {{"title", title},
          {"unit", "Teknik- og Miljøforvaltningen"},
          {"kind", kind},
          {"targets", {{{"label", label}, {"min_confidence", min_confidence}}}},
          {"area", area},
          {"schedule",
           {{"valid_from", FormatIso8601(now - 86'400'000)},
            {"valid_to", FormatIso8601(now + 30 * 86'400'000LL)},
            {"time_zone", "Europe/Copenhagen"},
            {"min_interval_s", 60}}},
          {"retention", {{"evidence_days", 30}, {"keep_non_findings", false}}},
          {"data_class", "internal"}};
}

Scenario DefaultScenario(TimeMs start, const std::string& webhook_url) {
  StreetGrid g(kGridOrigin, kBlockM);
  Scenario s;
  s.start_ms = start;
  Json actions = {{{"type", "log"}, {"on", {"ok", "finding", "inconclusive"}}},
                  {{"type", "webhook"},
                   {"on", {"finding"}},
                   {"url", webhook_url},
                   {"secret", "demo-webhook-secret"}}};
  // `expected` is the ground truth of the frames each site's passing vehicles see.
  auto add = [&](std::string name, std::string kind, Json area, geo::LatLon anchor, Scene scene,
                 int variant, std::string expected, Json rule = nullptr) {
    Json t = TaskJson(name, kind, area, "person", 0.6, start);
    t["actions"] = actions;
    if (!rule.is_null()) t["rule"] = rule;
    s.sites.push_back({name, t, anchor, scene, variant, std::move(expected), ""});
  };
  // vtest.avi frame 240: seven pedestrians, more than the three allowed. (In frame 90 the same
  // seven walk in a group, partly hiding one another, and the built-in detectors are
  // unsure of them: inconclusive, see docs/use-cases.md.)
  add("Pedestrian count at the Strøget crossing", "count", Circle(g.Node(3, 1), 25), g.Node(3, 1),
      Scene::kCrowd, 240, "finding", {{"min_count", 0}, {"max_count", 3}});
  // vtest.avi frame 90: HOG is unsure of the group, so the router falls back to the Haar
  // full-body cascade, which is sure of some of them: the guard is there.
  add("Crossing guard at the Nørregade school", "presence", Circle(g.Node(7, 2), 25), g.Node(7, 2),
      Scene::kCrowd, 90, "ok");
  add("Crossing guard at the school road works", "presence", Square(g.Node(2, 3), 20), g.Node(2, 3),
      Scene::kOnePerson, 0, "ok");
  add("Closed construction site on Gothersgade must be empty", "absence",
      Corridor(g.Node(3, 4), g.Node(5, 4), 12), g.Node(5, 4), Scene::kNoPerson, 0, "ok");
  add("Fenced excavation at Kronprinsessegade must be empty", "absence", Circle(g.Node(6, 2), 25),
      g.Node(6, 2), Scene::kCrowd, 300, "finding");
  add("Guard at the harbour bath entrance", "presence", Circle(g.Node(5, 3), 25), g.Node(5, 3),
      Scene::kSmallPeople, 0, "ok");
  {
    Json t = TaskJson("No-parking sign at Store Kongensgade must be legible", "text",
                      Circle(g.Node(4, 3), 25), "text", 0.5, start);
    t["actions"] = actions;
    t["rule"] = {{"expected_text", "Parkering forbudt"}, {"min_similarity", 0.8}};
    // The sign reads "PARKERING FORBUDT": ok, once privacy keeps it readable (protected evidence).
    s.sites.push_back({t["title"], t, g.Node(4, 3), Scene::kSign, 0, "ok", ""});
  }
  {
    // Our own models on a real photograph: `privacy` blurs the car's plate on the vehicle and on
    // the server, then `street` (opencv-dnn) finds the car (models/*.MODEL_CARD.md).
    Json t = TaskJson("Fire lane at Bredgade must be free of parked vehicles", "absence",
                      Circle(g.Node(1, 4), 25), "vehicle", 0.5, start);
    t["actions"] = actions;
    s.sites.push_back({t["title"], t, g.Node(1, 4), Scene::kParkedCar, 0, "finding", ""});
  }
  {
    // Parked cars counted from the street: vtest.avi frame 0 shows two cars parked at the kerb
    // beyond the pavement (top right), where a loading zone allows one; `street` counts them
    // (models/street.MODEL_CARD.md, "Vehicles of street-level photographs"). Only sweeper-1
    // passes here, so the frame is the same on every run.
    Json t = TaskJson("Loading zone on Frederiksborggade: at most one parked vehicle", "count",
                      Circle(g.Node(1, 1), 25), "vehicle", 0.5, start);
    t["actions"] = actions;
    t["rule"] = {{"min_count", 0}, {"max_count", 1}};
    s.sites.push_back({t["title"], t, g.Node(1, 1), Scene::kCrowd, 0, "finding", ""});
  }
  {
    // Passed by two vehicles: the first image becomes the reference, the second is compared.
    Json t = TaskJson("Square at Sankt Annæ Plads: before/after the market", "before_after",
                      Circle(g.Node(6, 1), 25), "change", 0.5, start);
    t["actions"] = actions;
    t["rule"] = {{"change_threshold", 0.05}};
    // Frames 100 and 400 of one fixed camera: the square is unchanged, only pedestrians moved
    // (about 2% of the view), so both the reference and the comparison are ok.
    s.sites.push_back({t["title"], t, g.Node(6, 1), Scene::kCrowd, 100, "ok", ""});
  }

  {
    // Containers vs permits (the seed's first inspection): the first vehicle past each site sees
    // the empty street (the reference), a later one a container; the rule then looks for a
    // permit valid at the capture time within 40 m. One site has a valid permit, the other's
    // expired ten days ago.
    auto permit_site = [&](const std::string& title, geo::LatLon at, const std::string& first,
                           const std::string& later, const std::string& expected) {
      Json t = TaskJson(title, "permit_check", Circle(at, 25), "change", 0.5, start);
      t["actions"] = actions;
      t["rule"] = {
          {"change_threshold", 0.05}, {"permit_distance_m", 40}, {"permit_kind", "container"}};
      Site site{title, t, at, Scene::kEmptySite, 0, expected, ""};
      site.scene_by_vehicle = {{first, Scene::kEmptySite}, {later, Scene::kContainer}};
      s.sites.push_back(std::move(site));
    };
    auto permit = [&](const std::string& id, geo::LatLon at, TimeMs from, TimeMs to) {
      s.permits.push_back({{"id", id},
                           {"holder", "Container Service ApS"},
                           {"kind", "container"},
                           {"area", Circle(geo::Offset(at, 90, 8), 6)},
                           {"valid_from", FormatIso8601(from)},
                           {"valid_to", FormatIso8601(to)}});
    };
    constexpr int64_t kDay = 86'400'000;
    permit_site("Container at Rosenborggade: permit required", g.Node(2, 4), "waste-truck-2",
                "sweeper-1", "ok");
    permit("TMF-2026-0417", g.Node(2, 4), start - 2 * kDay, start + 14 * kDay);
    permit_site("Container at Borgergade: permit required", g.Node(6, 3), "sweeper-3",
                "waste-truck-2", "finding+ok");
    permit("TMF-2026-0388", g.Node(6, 3), start - 40 * kDay, start - 10 * kDay);
  }

  {
    // The state of a traffic sign (condition by change against the reference): the first vehicle
    // past sees the no-entry sign intact (the reference), a later one sees it bent and sprayed
    // over. Change is measured only in the sign's region of the reference image.
    const geo::LatLon at = g.Node(7, 3);
    Json t = TaskJson("No-entry sign at Dronningens Tværgade must be intact", "condition",
                      Circle(at, 25), "change", 0.5, start);
    t["actions"] = actions;
    const RegionFraction r = NoEntrySignRegion();
    t["rule"] = {{"change_threshold", 0.2},
                 {"roi", {{"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}}}};
    Site site{t["title"], t, at, Scene::kSignIntact, 0, "finding+ok", ""};
    site.scene_by_vehicle = {{"sweeper-3", Scene::kSignIntact}, {"sweeper-1", Scene::kSignDamaged}};
    s.sites.push_back(std::move(site));
  }

  auto vehicle = [&](std::string name, std::string kind, std::string lane,
                     std::vector<geo::LatLon> route, std::string gps_format) {
    VehiclePlan v;
    v.name = std::move(name);
    v.kind = std::move(kind);
    v.lane = std::move(lane);
    v.route = std::move(route);
    v.gps_format = std::move(gps_format);
    s.vehicles.push_back(std::move(v));
  };
  vehicle("sweeper-1", "sweeper", "bike_lane",
          {g.Node(0, 1), g.Node(7, 1), g.Node(7, 4), g.Node(0, 4)}, "nmea");
  vehicle("waste-truck-2", "waste_truck", "roadway",
          {g.Node(2, 0), g.Node(2, 5), g.Node(6, 5), g.Node(6, 0)}, "gpx");
  vehicle("sweeper-3", "sweeper", "bike_lane", {g.Node(0, 3), g.Node(7, 3), g.Node(7, 2.5)}, "gpx");
  return s;
}

Status WriteScenarioFiles(Scenario& s, const std::string& dir) {
  uint32_t seed = 7;
  int vehicle_index = 0;
  for (VehiclePlan& v : s.vehicles) {
    std::string vdir = dir + "/" + v.name;
    TILSYN_RETURN_IF_ERROR(MakeDirs(vdir + "/camera"));
    std::vector<Fix> fixes = SampleRoute(v.route, s.speed_kmh, s.start_ms, s.gps_noise_m, seed++);
    v.fixes = static_cast<int>(fixes.size());
    v.gps_path = vdir + "/track." + v.gps_format;
    TILSYN_RETURN_IF_ERROR(v.gps_format == "gpx" ? WriteGpx(v.gps_path, fixes)
                                                 : WriteNmea(v.gps_path, fixes));
    v.camera_dir = vdir + "/camera";
    std::ostringstream index;
    index << "lat,lon,file,frame\n";
    index.precision(9);
    for (const Site& site : s.sites) {
      // A video scene differs per vehicle (each passes at another moment of the day).
      int variant = site.variant + (site.scene == Scene::kCrowd ? 300 * vehicle_index : 0);
      auto own = site.scene_by_vehicle.find(v.name);
      const Scene scene = own == site.scene_by_vehicle.end() ? site.scene : own->second;
      TILSYN_ASSIGN_OR_RETURN(FrameRef f, FrameFor(scene, variant, dir + "/generated"));
      index << site.anchor.lat << "," << site.anchor.lon << "," << f.file << "," << f.frame << "\n";
    }
    TILSYN_RETURN_IF_ERROR(WriteFileAtomic(v.camera_dir + "/index.csv", index.str()));
    ++vehicle_index;
  }
  return Status::Ok();
}

}  // namespace tilsyn::demo
