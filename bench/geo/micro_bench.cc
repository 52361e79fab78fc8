// Google Benchmark microbenchmarks of GridGeofenceIndex::Snapshot::ForEachMatch on the bench-geo
// workload (10k and 100k fences, 100k points in trace order).
#include <benchmark/benchmark.h>

#include "bench/geo/workload.h"
#include "geo/grid_geofence_index.h"

namespace {

void BM_QueryTraceOrder(benchmark::State& state) {
  auto w = tilsyn::bench::MakeWorkload(static_cast<int>(state.range(0)), 100000, 50, 42);
  tilsyn::geo::GridGeofenceIndex idx;
  idx.Reset(w.fences);
  auto snap = idx.snapshot();
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    snap->ForEachMatch(w.points[i], [&](const tilsyn::geo::CompiledFence&) { ++hits; });
    if (++i == w.points.size()) i = 0;
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_QueryTraceOrder)->Arg(10000)->Arg(100000);

void BM_OnlineQueryWithSnapshot(benchmark::State& state) {
  auto w = tilsyn::bench::MakeWorkload(static_cast<int>(state.range(0)), 100000, 50, 42);
  tilsyn::geo::GridGeofenceIndex idx;
  idx.Reset(w.fences);
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    idx.snapshot()->ForEachMatch(w.points[i], [&](const tilsyn::geo::CompiledFence&) { ++hits; });
    if (++i == w.points.size()) i = 0;
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OnlineQueryWithSnapshot)->Arg(100000);

}  // namespace

BENCHMARK_MAIN();
