// GET /api/v1/basemap?bbox=minLon,minLat,maxLon,maxLat[&limit=N]: the city's imported base map
// (`tilsyn import basemap`: building footprints, kerbs, parks …) inside a box as a GeoJSON
// FeatureCollection (properties: layer, name), capped at `limit` features (default 5000);
// the web UI draws it when no tile server is configured.
// GET /api/v1/places?q=TEXT[&limit=N]: named features whose name contains TEXT (case,
// punctuation and letters' marks folded: "orestad" finds "Ørestads Boulevard"), one place per layer
// and name with the box of all its features, names that start with TEXT first. Both are empty when
// nothing is imported.
#include "coverage/basemap/basemap.h"

#include <algorithm>
#include <map>

#include "server/api/api.h"
#include "server/api/api_util.h"
#include "tasks/text_match.h"

namespace tilsyn::server {
namespace {

constexpr int64_t kDefaultLimit = 5000;
constexpr int64_t kMaxLimit = 50000;

// A name as a search compares it: case and punctuation folded (tasks::NormalizeText), and the
// Danish and other Latin-1 letters written without their marks (ø → o, å → a, æ → ae, é → e), so
// a keyboard without them still finds "Ørestads Boulevard" by "orestad".
std::u32string SearchKey(const std::string& text) {
  std::u32string out;
  for (char32_t c : tasks::NormalizeText(text)) {
    if (c == U'æ') {
      out += U"ae";
    } else if (c == U'ø' || (c >= U'ò' && c <= U'ö')) {
      out += U'o';
    } else if (c >= U'à' && c <= U'å') {
      out += U'a';
    } else if (c >= U'è' && c <= U'ë') {
      out += U'e';
    } else if (c >= U'ì' && c <= U'ï') {
      out += U'i';
    } else if (c >= U'ù' && c <= U'ü') {
      out += U'u';
    } else {
      out += c;
    }
  }
  return out;
}

Json BoxJson(const geo::BBox& b) {
  return Json::array({b.min_lon, b.min_lat, b.max_lon, b.max_lat});
}

Result<net::HttpResponse> GetBasemap(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(std::optional<geo::BBox> box, QueryBbox(req.http));
  if (!box)
    return Status::InvalidArgument("bbox is required (minLon,minLat,maxLon,maxLat)", "bbox");
  TILSYN_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req.http, "limit", kDefaultLimit, 1, kMaxLimit));
  Json features = Json::array();
  coverage::BasemapSlice slice;
  if (ctx.basemap) {
    TILSYN_ASSIGN_OR_RETURN(slice, ctx.basemap->Query(*box, limit));
  }
  for (const auto* f : slice.features) {
    features.push_back(Json{{"type", "Feature"},
                            {"geometry", f->geometry},
                            {"properties", {{"layer", f->layer}, {"name", f->name}}}});
  }
  return Ok(Json{{"type", "FeatureCollection"},
                 {"features", features},
                 {"matched", slice.matched},
                 {"truncated", slice.truncated},
                 {"limit", limit}});
}

Result<net::HttpResponse> SearchPlaces(const ApiContext& ctx, const ApiRequest& req) {
  const std::optional<std::string> q = QueryString(req.http, "q");
  if (!q || q->size() < 2 || q->size() > 100) {
    return Status::InvalidArgument("2 to 100 characters of a street's or place's name", "q");
  }
  TILSYN_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req.http, "limit", 10, 1, 50));
  const std::u32string want = SearchKey(*q);
  if (want.empty()) return Status::InvalidArgument("no letters or digits to search for", "q");
  struct Place {
    std::string layer, name;
    geo::BBox box;
    int64_t features = 0;
    bool prefix = false;
  };
  std::map<std::pair<std::string, std::string>, Place> found;
  if (ctx.basemap) {
    TILSYN_ASSIGN_OR_RETURN(auto all, ctx.basemap->All());
    std::map<std::string, std::optional<bool>> match;  // name -> contains (prefix?) memo
    for (const auto& f : *all) {
      if (f.name.empty()) continue;
      auto [it, fresh] = match.try_emplace(f.name);
      if (fresh) {
        const std::u32string name = SearchKey(f.name);
        const size_t at = name.find(want);
        if (at != std::u32string::npos) it->second = at == 0;
      }
      if (!it->second) continue;
      auto [p, added] = found.try_emplace({f.layer, f.name});
      Place& place = p->second;
      if (added) {
        place = {f.layer, f.name, f.box, 0, *it->second};
      } else {
        place.box.min_lon = std::min(place.box.min_lon, f.box.min_lon);
        place.box.min_lat = std::min(place.box.min_lat, f.box.min_lat);
        place.box.max_lon = std::max(place.box.max_lon, f.box.max_lon);
        place.box.max_lat = std::max(place.box.max_lat, f.box.max_lat);
      }
      ++place.features;
    }
  }
  std::vector<const Place*> order;
  for (const auto& [k, p] : found) order.push_back(&p);
  std::stable_sort(order.begin(), order.end(), [](const Place* a, const Place* b) {
    if (a->prefix != b->prefix) return a->prefix;
    return a->name < b->name;
  });
  Json places = Json::array();
  for (const Place* p : order) {
    if (static_cast<int64_t>(places.size()) >= limit) break;
    places.push_back({{"name", p->name},
                      {"layer", p->layer},
                      {"bbox", BoxJson(p->box)},
                      {"center", Json::array({(p->box.min_lon + p->box.max_lon) / 2,
                                              (p->box.min_lat + p->box.max_lat) / 2})},
                      {"features", p->features}});
  }
  return Ok(Json{{"places", places}, {"matched", static_cast<int64_t>(found.size())}});
}

}  // namespace

void RegisterBasemapRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"GET",
              "/api/v1/basemap",
              kReaders,
              "The imported base map (building footprints, street names …) inside bbox=minLon,"
              "minLat,maxLon,maxLat as GeoJSON, capped at limit features (default 5000)",
              "coverage",
              {"bbox", "limit"},
              "",
              "",
              "",
              200},
             [ctx](const ApiRequest& r) { return GetBasemap(ctx, r); });
  router.Add({"GET",
              "/api/v1/places",
              kReaders,
              "Search the imported base map's names (q, 2-100 characters): one place per layer "
              "and name with its box and centre",
              "coverage",
              {"q", "limit"},
              "",
              "",
              "",
              200},
             [ctx](const ApiRequest& r) { return SearchPlaces(ctx, r); });
}

}  // namespace tilsyn::server
