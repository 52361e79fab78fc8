// GET /api/v1/network?bbox=minLon,minLat,maxLon,maxLat[&limit=N]: the imported street network
// (`tilsyn import network`) inside a box as a GeoJSON FeatureCollection of LineStrings with
// properties.kind roadway|cycle_track, for the live map. Capped at `limit` segments (default
// 5000); `truncated` says when the box held more. Empty collection when nothing is imported.
#include "coverage/network/network_cache.h"
#include "server/api/api.h"
#include "server/api/api_util.h"

namespace tilsyn::server {
namespace {

constexpr int64_t kDefaultLimit = 5000;
constexpr int64_t kMaxLimit = 50000;

Result<coverage::LonLatBox> ParseBbox(const net::HttpRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(std::optional<geo::BBox> b, QueryBbox(req));
  if (!b) return Status::InvalidArgument("bbox is required (minLon,minLat,maxLon,maxLat)", "bbox");
  return coverage::LonLatBox{b->min_lon, b->min_lat, b->max_lon, b->max_lat};
}

Result<net::HttpResponse> GetNetwork(const ApiContext& ctx, const ApiRequest& req) {
  TILSYN_ASSIGN_OR_RETURN(coverage::LonLatBox box, ParseBbox(req.http));
  TILSYN_ASSIGN_OR_RETURN(int64_t limit, QueryInt(req.http, "limit", kDefaultLimit, 1, kMaxLimit));
  coverage::NetworkSlice slice;
  if (ctx.network) {
    TILSYN_ASSIGN_OR_RETURN(slice, ctx.network->Query(box, limit));
  }
  Json features = Json::array();
  for (const auto& line : slice.lines) {
    Json coords = Json::array();
    for (const auto& p : line.points) coords.push_back(Json::array({p.lon, p.lat}));
    features.push_back(
        Json{{"type", "Feature"},
             {"geometry", {{"type", "LineString"}, {"coordinates", coords}}},
             {"properties", {{"kind", std::string(coverage::ToString(line.kind))}}}});
  }
  return Ok(Json{{"type", "FeatureCollection"},
                 {"features", features},
                 {"segments", slice.segments},
                 {"matched", slice.matched},
                 {"truncated", slice.truncated},
                 {"limit", limit},
                 {"network_segments", slice.network_size}});
}

}  // namespace

void RegisterNetworkRoutes(Router& router, const ApiContext& ctx) {
  router.Add({"GET",
              "/api/v1/network",
              kReaders,
              "The imported street network (roadway, cycle_track) inside bbox=minLon,minLat,"
              "maxLon,maxLat as GeoJSON LineStrings, capped at limit segments (default 5000)",
              "coverage",
              {"bbox", "limit"},
              "",
              "",
              "NetworkFeatures",
              200},
             [ctx](const ApiRequest& r) { return GetNetwork(ctx, r); });
}

}  // namespace tilsyn::server
