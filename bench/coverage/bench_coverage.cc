// bench-coverage: coverage of a generated month — by default 30 days × 500 vehicles × 8 h × 1 Hz
// (432 M fixes) against 10k sites, through the real coverage code path (ComputeCoverage over the
// PositionHistory seam, generated on demand: see synthetic_history.h), with the lane vote against
// a synthetic street network. Prints wall time, CPU time, peak RSS and a closing line:
//   coverage: fixes=N sites=N wall_s=N cpu_s=N peak_rss_mb=N fixes_per_s=N ok=yes|no
// ok = finished under --limit-s (default 300). Flags: --days --vehicles --hours --sites --threads
// --through-codec --no-network --limit-s.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <string>

#include "bench/coverage/synthetic_history.h"
#include "coverage/coverage_engine.h"
#include "coverage/progress.h"

namespace {

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double PeakRssMb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tilsyn;
  bench::FleetSpec spec;
  int nsites = 10'000, threads = 0;
  bool network = true;
  double limit_s = 300;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "missing value for %s\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--days") spec.days = std::atoi(next());
    else if (a == "--vehicles") spec.vehicles = std::atoi(next());
    else if (a == "--hours") spec.hours = std::atof(next());
    else if (a == "--sites") nsites = std::atoi(next());
    else if (a == "--threads") threads = std::atoi(next());
    else if (a == "--limit-s") limit_s = std::atof(next());
    else if (a == "--through-codec") spec.through_codec = true;
    else if (a == "--no-network") network = false;
    else {
      std::fprintf(stderr, "unknown flag %s\n", a.c_str());
      return 2;
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  auto fences = bench::MakeSites(nsites, 7);
  std::vector<coverage::Site> sites;
  for (auto& [id, f] : fences) sites.push_back({id, id, f});
  coverage::StreetNetwork net;
  if (network) net = bench::MakeNetwork();
  const double setup_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const int64_t expected = static_cast<int64_t>(spec.vehicles) * spec.days *
                           static_cast<int64_t>(spec.hours * 3600);
  std::printf("bench-coverage: %d days x %d vehicles x %.1f h x 1 Hz = %lld fixes, %zu sites, "
              "network %zu segments, codec %s, setup %.1f s\n",
              spec.days, spec.vehicles, spec.hours, static_cast<long long>(expected), sites.size(),
              net.size(), spec.through_codec ? "on" : "off", setup_s);
  std::fflush(stdout);

  bench::SyntheticHistory history(spec);
  coverage::CoverageOptions o;
  o.threads = threads;
  o.network = network ? &net : nullptr;
  o.time_zone = "Europe/Copenhagen";
  coverage::ProgressBar bar("coverage", static_cast<int64_t>(spec.vehicles) * spec.days, "fixes");
  o.progress = [&](int64_t done, int64_t, int64_t fixes) { bar.Update(done, fixes); };
  auto report = coverage::ComputeCoverage(history, sites, o);
  if (!report.ok()) {
    std::fprintf(stderr, "coverage failed: %s\n", report.status().ToString().c_str());
    return 1;
  }
  bar.Finish(report->fixes);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  int64_t covered = 0, pairs = 0, cycle = 0, road = 0;
  for (const auto& s : report->sites) {
    covered += s.vehicles.empty() ? 0 : 1;
    pairs += static_cast<int64_t>(s.vehicles.size());
    road += s.lane.passes[0];
    cycle += s.lane.passes[1];
  }
  std::printf("sites covered %lld/%zu, (site, vehicle) pairs %lld, passes %lld (lane: %lld roadway, "
              "%lld cycle_track), vehicle-days %lld\n",
              static_cast<long long>(covered), report->sites.size(), static_cast<long long>(pairs),
              static_cast<long long>(report->passes), static_cast<long long>(road),
              static_cast<long long>(cycle), static_cast<long long>(report->vehicle_days));
  if (spec.through_codec) {
    std::printf("codec: %.2f bytes per fix (%.1f MB for the whole history)\n",
                static_cast<double>(history.encoded_bytes()) / std::max<int64_t>(1, report->fixes),
                history.encoded_bytes() / 1e6);
  }
  std::printf("coverage: fixes=%lld sites=%zu wall_s=%.1f cpu_s=%.1f peak_rss_mb=%.0f "
              "fixes_per_s=%.0f ok=%s\n",
              static_cast<long long>(report->fixes), sites.size(), wall, cpu, PeakRssMb(),
              report->fixes / wall, wall < limit_s && report->fixes == expected ? "yes" : "no");
  return 0;
}
