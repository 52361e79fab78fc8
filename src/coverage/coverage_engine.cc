#include "coverage/coverage_engine.h"

#include <date/tz.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "geo/grid_geofence_index.h"

namespace tilsyn::coverage {
namespace {

constexpr double kMPerDeg = 6371008.8 * M_PI / 180.0;

struct Item {
  uint32_t vehicle;
  int64_t day;
};

// Aggregate of one (site, vehicle) pair in one worker.
struct PairAcc {
  uint32_t site = 0, vehicle = 0;
  int64_t passes = 0, days = 0;
  int64_t last_item = -1;
  std::array<uint32_t, 24> hours{};
  std::vector<uint8_t> speeds;  // per-pass medians, km/h rounded (1 byte a pass)
  std::vector<int32_t> weeks;   // distinct local week numbers
  std::array<int64_t, kLaneKinds> lane_passes{};
  std::array<double, kLaneKinds> lane_share_sum{};
  int64_t lane_unknown = 0;
};

struct OpenPass {
  uint32_t site;
  TimeMs start, last;
  std::vector<float> speeds;
  std::array<int64_t, kLaneKinds> votes{};
  bool carried = false;  // alive at midnight: the day before's item counts it
};

// Reads one day of the current vehicle (an absent day is empty).
using DayReader = std::function<Status(int64_t day, std::vector<HistoryFix>*)>;

class Worker {
 public:
  Worker(const geo::GridGeofenceIndex::Snapshot& snap,
         const std::unordered_map<const geo::CompiledFence*, uint32_t>& site_of,
         const CoverageOptions& o, const date::time_zone* tz, uint32_t nvehicles)
      : snap_(snap), site_of_(site_of), o_(o), tz_(tz), nveh_(nvehicles) {}

  // One vehicle-day (history is stored per UTC day). A pass that is alive at midnight is
  // counted once, by the day it started: this day's item follows it into the next day's first
  // fixes, and the next day's item recognises it from this day's last fixes and leaves it out.
  // The neighbouring days are read only when a pass can cross (fixes within pass_gap_ms of
  // midnight), so the usual day costs one read.
  Status Run(const Item& item, int64_t item_no, const std::vector<HistoryFix>& fixes,
             const DayReader& read) {
    item_no_ = item_no;
    vehicle_ = item.vehicle;
    open_.clear();
    prev_.reset();
    const TimeMs midnight = item.day * kDayMs;
    if (!fixes.empty() && fixes.front().time - midnight <= o_.pass_gap_ms) {
      TILSYN_RETURN_IF_ERROR(read(item.day - 1, &neighbour_));
      mode_ = Mode::kCarry;
      for (const HistoryFix& f : neighbour_) {
        if (f.time >= midnight - o_.pass_gap_ms && f.time < midnight) Feed(f);
      }
    }
    mode_ = Mode::kCount;
    for (const HistoryFix& f : fixes) Feed(f);
    const TimeMs next_midnight = midnight + kDayMs;
    const bool crossing = std::any_of(open_.begin(), open_.end(), [&](const OpenPass& p) {
      return !p.carried && next_midnight - p.last <= o_.pass_gap_ms;
    });
    if (crossing) {
      TILSYN_RETURN_IF_ERROR(read(item.day + 1, &neighbour_));
      mode_ = Mode::kContinue;
      for (const HistoryFix& f : neighbour_) {
        if (open_.empty()) break;
        if (f.time >= next_midnight) Feed(f);
      }
    }
    mode_ = Mode::kCount;
    for (auto& p : open_) Close(p);
    open_.clear();
    return Status::Ok();
  }

  std::vector<PairAcc>& pairs() { return pairs_; }

 private:
  // kCarry: the day before's last fixes (passes opened are carried, not counted); kCount: the
  // day itself; kContinue: the next day's first fixes (open passes go on, none opens).
  enum class Mode { kCarry, kCount, kContinue };

  void Feed(const HistoryFix& f) {
    float speed = -1;
    if (prev_ && f.time > prev_->time && f.time - prev_->time <= o_.max_speed_gap_ms) {
      double kx = kMPerDeg * std::cos(f.pos.lat * (M_PI / 180.0));
      double dx = (f.pos.lon - prev_->pos.lon) * kx, dy = (f.pos.lat - prev_->pos.lat) * kMPerDeg;
      speed = static_cast<float>(std::sqrt(dx * dx + dy * dy) / ((f.time - prev_->time) / 1000.0) *
                                 3.6);
    }
    prev_ = f;
    if (!open_.empty()) CloseStale(f.time);
    snap_.ForEachMatch(f.pos, [&](const geo::CompiledFence& fence) {
      auto it = site_of_.find(&fence);
      if (it != site_of_.end()) Inside(it->second, f, speed);
    });
  }

  void Inside(uint32_t site, const HistoryFix& f, float speed) {
    OpenPass* p = nullptr;
    for (auto& o : open_) {
      if (o.site == site) {
        p = &o;
        break;
      }
    }
    if (!p) {
      if (mode_ == Mode::kContinue) return;
      open_.push_back(OpenPass{site, f.time, f.time, {}, {}, mode_ == Mode::kCarry});
      p = &open_.back();
    }
    p->last = f.time;
    if (speed >= 0) p->speeds.push_back(speed);
    if (o_.network && !o_.network->empty()) {
      int k = VoteFix(*o_.network, f.pos, o_.lane_snap_m);
      if (k >= 0) ++p->votes[k];
    }
  }

  void CloseStale(TimeMs now) {
    for (size_t i = 0; i < open_.size();) {
      if (now - open_[i].last > o_.pass_gap_ms) {
        Close(open_[i]);
        open_[i] = std::move(open_.back());
        open_.pop_back();
      } else {
        ++i;
      }
    }
  }

  int LocalOffsetS(TimeMs t) {
    if (!tz_) return 0;
    auto tp = date::sys_seconds(std::chrono::seconds(t / 1000));
    if (!have_info_ || tp < info_.begin || tp >= info_.end) {
      info_ = tz_->get_info(tp);
      have_info_ = true;
    }
    return static_cast<int>(info_.offset.count());
  }

  void Close(OpenPass& p) {
    if (p.carried) return;  // counted by the day it started in
    uint64_t key = static_cast<uint64_t>(p.site) * nveh_ + vehicle_;
    auto [it, fresh] = index_.try_emplace(key, static_cast<uint32_t>(pairs_.size()));
    if (fresh) {
      pairs_.emplace_back();
      pairs_.back().site = p.site;
      pairs_.back().vehicle = vehicle_;
    }
    PairAcc& a = pairs_[it->second];
    ++a.passes;
    if (a.last_item != item_no_) {
      ++a.days;
      a.last_item = item_no_;
    }
    TimeMs local = p.start + static_cast<TimeMs>(LocalOffsetS(p.start)) * 1000;
    int64_t local_day = DayOf(local);
    ++a.hours[(local - local_day * kDayMs) / 3'600'000];
    int32_t week =
        static_cast<int32_t>((local_day + 3) >= 0 ? (local_day + 3) / 7 : (local_day - 3) / 7);
    if (std::find(a.weeks.begin(), a.weeks.end(), week) == a.weeks.end()) a.weeks.push_back(week);
    if (!p.speeds.empty()) {
      auto mid = p.speeds.begin() + p.speeds.size() / 2;
      std::nth_element(p.speeds.begin(), mid, p.speeds.end());
      a.speeds.push_back(static_cast<uint8_t>(std::min(255.0f, std::round(*mid))));
    }
    PassLane lane = VotePass(p.votes);
    if (lane.kind < 0) {
      ++a.lane_unknown;
    } else {
      ++a.lane_passes[lane.kind];
      a.lane_share_sum[lane.kind] += lane.share;
    }
  }

  const geo::GridGeofenceIndex::Snapshot& snap_;
  const std::unordered_map<const geo::CompiledFence*, uint32_t>& site_of_;
  const CoverageOptions& o_;
  const date::time_zone* tz_;
  uint32_t nveh_;
  uint32_t vehicle_ = 0;
  int64_t item_no_ = 0;
  std::vector<OpenPass> open_;
  std::optional<HistoryFix> prev_;
  Mode mode_ = Mode::kCount;
  std::vector<HistoryFix> neighbour_;  // the day before's or after's fixes
  std::unordered_map<uint64_t, uint32_t> index_;
  std::vector<PairAcc> pairs_;
  date::sys_info info_;
  bool have_info_ = false;
};

template <typename T>
double Median(std::vector<T>& v) {
  if (v.empty()) return -1;
  auto mid = v.begin() + v.size() / 2;
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

LaneEstimate Summarise(const std::array<int64_t, kLaneKinds>& passes,
                       const std::array<double, kLaneKinds>& share_sum, int64_t unknown) {
  LaneEstimate e;
  e.passes = passes;
  e.unknown_passes = unknown;
  int64_t voted = passes[0] + passes[1];
  if (voted == 0) return e;
  int k = passes[1] > passes[0] ? 1 : 0;
  e.lane = std::string(ToString(static_cast<LaneKind>(k)));
  e.confidence = (share_sum[k] / passes[k]) * (static_cast<double>(passes[k]) / voted);
  return e;
}

}  // namespace

int VoteFix(const StreetNetwork& net, geo::LatLon p, double max_m) {
  auto d = net.Nearest(p, max_m);
  if (!std::isfinite(d[0]) && !std::isfinite(d[1])) return -1;
  return d[1] < d[0] ? 1 : 0;
}

PassLane VotePass(const std::array<int64_t, kLaneKinds>& votes) {
  int64_t total = votes[0] + votes[1];
  if (total == 0) return {};
  int k = votes[1] > votes[0] ? 1 : 0;
  return {k, static_cast<double>(votes[k]) / total};
}

Result<CoverageReport> ComputeCoverage(const PositionHistory& history,
                                       const std::vector<Site>& sites, const CoverageOptions& o) {
  CoverageReport report;
  report.time_zone = o.time_zone;
  const date::time_zone* tz = nullptr;
  if (!o.time_zone.empty() && o.time_zone != "UTC") {
    try {
      tz = date::locate_zone(o.time_zone);
    } catch (const std::exception& e) {
      return Status::InvalidArgument("unknown time zone '" + o.time_zone + "'", "time_zone");
    }
  }
  // Index the sites.
  geo::GridGeofenceIndex index;
  std::vector<std::pair<std::string, geo::Geofence>> fences;
  fences.reserve(sites.size());
  std::unordered_map<std::string, uint32_t> by_id;
  for (uint32_t i = 0; i < sites.size(); ++i) {
    fences.emplace_back(sites[i].id, sites[i].fence);
    by_id[sites[i].id] = i;
  }
  if (by_id.size() != sites.size()) return Status::InvalidArgument("duplicate site id", "sites");
  index.Reset(fences);
  std::shared_ptr<const geo::GridGeofenceIndex::Snapshot> snap = index.snapshot();
  std::unordered_map<const geo::CompiledFence*, uint32_t> site_of;
  for (const auto& f : snap->grid().fences) {
    auto it = by_id.find(f->id());
    if (it != by_id.end()) site_of[f.get()] = it->second;
  }

  // The work: every vehicle-day in range.
  TILSYN_ASSIGN_OR_RETURN(std::vector<std::string> vehicles, history.Vehicles());
  std::vector<Item> items;
  std::set<int64_t> days;
  for (uint32_t v = 0; v < vehicles.size(); ++v) {
    TILSYN_ASSIGN_OR_RETURN(std::vector<int64_t> vd, history.Days(vehicles[v]));
    for (int64_t d : vd) {
      if (d < o.from_day || d > o.to_day) continue;
      items.push_back({v, d});
      days.insert(d);
    }
  }
  report.vehicles = static_cast<int64_t>(vehicles.size());
  report.vehicle_days = static_cast<int64_t>(items.size());
  report.period_days = static_cast<int64_t>(days.size());
  if (!days.empty()) {
    report.first_day = *days.begin();
    report.last_day = *days.rbegin();
  }

  int nthreads = o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
  nthreads = std::max(1, std::min<int>(nthreads, std::max<size_t>(1, items.size())));
  std::atomic<int64_t> next{0}, done{0}, fixes{0};
  std::mutex err_mu;
  Status first_error;
  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < nthreads; ++t) {
    workers.push_back(
        std::make_unique<Worker>(*snap, site_of, o, tz, static_cast<uint32_t>(vehicles.size())));
  }
  auto run = [&](Worker& w) {
    std::vector<HistoryFix> buf;
    for (;;) {
      int64_t i = next.fetch_add(1);
      if (i >= static_cast<int64_t>(items.size())) break;
      const Item& it = items[i];
      Status s = history.ReadDay(vehicles[it.vehicle], it.day, &buf);
      if (!s.ok()) {
        std::lock_guard lock(err_mu);
        if (first_error.ok()) first_error = s;
        next.store(static_cast<int64_t>(items.size()));
        break;
      }
      const std::string& vehicle = vehicles[it.vehicle];
      s = w.Run(it, i, buf, [&](int64_t day, std::vector<HistoryFix>* out) -> Status {
        out->clear();
        if (day < o.from_day || day > o.to_day) return Status::Ok();  // outside the period
        Status r = history.ReadDay(vehicle, day, out);
        if (r.code() == Code::kNotFound) out->clear();
        return r.code() == Code::kNotFound ? Status::Ok() : r;
      });
      if (!s.ok()) {
        std::lock_guard lock(err_mu);
        if (first_error.ok()) first_error = s;
        next.store(static_cast<int64_t>(items.size()));
        break;
      }
      int64_t f =
          fixes.fetch_add(static_cast<int64_t>(buf.size())) + static_cast<int64_t>(buf.size());
      int64_t d = done.fetch_add(1) + 1;
      if (o.progress) o.progress(d, static_cast<int64_t>(items.size()), f);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < nthreads; ++t) threads.emplace_back(run, std::ref(*workers[t]));
  run(*workers[0]);
  for (auto& t : threads) t.join();
  TILSYN_RETURN_IF_ERROR(first_error);
  report.fixes = fixes.load();

  // Merge the workers' pairs.
  std::unordered_map<uint64_t, PairAcc> merged;
  for (auto& w : workers) {
    for (PairAcc& a : w->pairs()) {
      uint64_t key = static_cast<uint64_t>(a.site) * vehicles.size() + a.vehicle;
      auto [it, fresh] = merged.try_emplace(key);
      PairAcc& m = it->second;
      if (fresh) {
        m = std::move(a);
        continue;
      }
      m.passes += a.passes;
      m.days += a.days;  // a vehicle-day is processed by exactly one worker
      for (int h = 0; h < 24; ++h) m.hours[h] += a.hours[h];
      m.speeds.insert(m.speeds.end(), a.speeds.begin(), a.speeds.end());
      for (int32_t wk : a.weeks) {
        if (std::find(m.weeks.begin(), m.weeks.end(), wk) == m.weeks.end()) m.weeks.push_back(wk);
      }
      for (int k = 0; k < kLaneKinds; ++k) {
        m.lane_passes[k] += a.lane_passes[k];
        m.lane_share_sum[k] += a.lane_share_sum[k];
      }
      m.lane_unknown += a.lane_unknown;
    }
    w->pairs().clear();
    w->pairs().shrink_to_fit();
  }

  const double period = std::max<int64_t>(1, report.period_days);
  report.sites.resize(sites.size());
  for (size_t i = 0; i < sites.size(); ++i) {
    report.sites[i].site_id = sites[i].id;
    report.sites[i].name = sites[i].name;
    report.sites[i].anchor = sites[i].fence.Anchor();
  }
  std::vector<std::vector<uint8_t>> site_speeds(sites.size());
  std::vector<std::array<int64_t, kLaneKinds>> site_lane(sites.size());
  std::vector<std::array<double, kLaneKinds>> site_share(sites.size());
  std::vector<int64_t> site_unknown(sites.size(), 0);
  for (auto& [key, a] : merged) {
    SiteCoverage& s = report.sites[a.site];
    VehicleCoverage v;
    v.vehicle = vehicles[a.vehicle];
    v.passes = a.passes;
    v.days_with_pass = a.days;
    v.weeks_with_pass = static_cast<int64_t>(a.weeks.size());
    v.passes_per_day = a.passes / period;
    v.passes_per_week = a.passes / (period / 7.0);
    for (int h = 0; h < 24; ++h) v.hour_profile[h] = a.hours[h];
    site_speeds[a.site].insert(site_speeds[a.site].end(), a.speeds.begin(), a.speeds.end());
    v.median_speed_kmh = Median(a.speeds);
    v.lane = Summarise(a.lane_passes, a.lane_share_sum, a.lane_unknown);
    for (int k = 0; k < kLaneKinds; ++k) {
      site_lane[a.site][k] += a.lane_passes[k];
      site_share[a.site][k] += a.lane_share_sum[k];
    }
    site_unknown[a.site] += a.lane_unknown;
    s.passes += a.passes;
    for (int h = 0; h < 24; ++h) s.hour_profile[h] += a.hours[h];
    s.vehicles.push_back(std::move(v));
    report.passes += a.passes;
  }
  for (size_t i = 0; i < sites.size(); ++i) {
    SiteCoverage& s = report.sites[i];
    s.passes_per_day = s.passes / period;
    s.passes_per_week = s.passes / (period / 7.0);
    s.median_speed_kmh = Median(site_speeds[i]);
    s.lane = Summarise(site_lane[i], site_share[i], site_unknown[i]);
    std::sort(s.vehicles.begin(), s.vehicles.end(), [](const auto& a, const auto& b) {
      return a.passes != b.passes ? a.passes > b.passes : a.vehicle < b.vehicle;
    });
  }
  return report;
}

}  // namespace tilsyn::coverage
