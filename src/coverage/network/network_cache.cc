#include "coverage/network/network_cache.h"

#include <algorithm>

namespace tilsyn::coverage {
namespace {

bool Meets(const NetworkSegment& s, const LonLatBox& b) {
  return std::max(s.a.lon, s.b.lon) >= b.min_lon && std::min(s.a.lon, s.b.lon) <= b.max_lon &&
         std::max(s.a.lat, s.b.lat) >= b.min_lat && std::min(s.a.lat, s.b.lat) <= b.max_lat;
}

}  // namespace

Result<std::shared_ptr<const NetworkCache::Loaded>> NetworkCache::Get() const {
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(path_, ec);
  std::lock_guard lock(mu_);
  if (ec) {  // no network imported (yet)
    loaded_.reset();
    return std::shared_ptr<const Loaded>();
  }
  if (loaded_ && loaded_->mtime == mtime) return loaded_;
  auto l = std::make_shared<Loaded>();
  l->mtime = mtime;
  if (Status st = LoadNetwork(path_, &l->net); !st.ok()) {
    // A fault of the server's own file, not of the request: the HTTP layer logs the detail
    // (which names the file) and answers without it.
    return Status::Internal("the imported street network cannot be read: " + st.ToString());
  }
  loaded_ = l;
  return loaded_;
}

Result<NetworkSlice> NetworkCache::Query(const LonLatBox& box, int64_t max_segments) const {
  TILSYN_ASSIGN_OR_RETURN(auto loaded, Get());
  NetworkSlice out;
  if (!loaded) return out;
  const auto& segs = loaded->net.segments();
  out.network_size = static_cast<int64_t>(segs.size());
  bool extend = false;  // the previous segment was taken and may continue the last line
  for (const auto& s : segs) {
    if (!Meets(s, box)) {
      extend = false;
      continue;
    }
    ++out.matched;
    if (out.segments >= max_segments) {
      out.truncated = true;
      continue;
    }
    ++out.segments;
    if (extend && !out.lines.empty()) {
      NetworkLine& last = out.lines.back();
      const geo::LatLon& end = last.points.back();
      if (last.kind == s.kind && end.lat == s.a.lat && end.lon == s.a.lon) {
        last.points.push_back(s.b);
        continue;
      }
    }
    out.lines.push_back({s.kind, {s.a, s.b}});
    extend = true;
  }
  return out;
}

}  // namespace tilsyn::coverage
