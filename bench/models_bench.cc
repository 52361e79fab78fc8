// Budget check for the models we train ourselves (issue 7): every model of the committed default
// pack (models/manifest.json, loaded with imaging::LoadModelPack) must be <= 10 MB and run in
// <= 150 ms of CPU per 1920x1080 frame on one core through OpenCV DNN (imaging::DnnDetector).
// Frame: vtest.avi frame 300 (opencv-doc: pedestrians, a sign, a van; the same frame as
// anonymize_bench) scaled to 1920x1080 BGR; Detect() includes letterbox/resize, the forward pass,
// decoding and NMS. cv::setNumThreads(1). One benchmark per model ("BM_Model/<name>"); one
// untimed warm-up call precedes the timed ones (its wall time is the `first_call_ms` counter).
// Counters: wall_ms and cpu_ms_per_frame (process CPU time, all threads), fps_per_core
// (1000 / cpu_ms_per_frame), model_mb (model + config file, 1 MB = 10^6 bytes), detections
// (on this frame), within_150ms / within_10mb (1 = within budget, 0 = over).
#include <benchmark/benchmark.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <string>

#include "imaging/anonymizer.h"
#include "imaging/dnn_detector.h"
#include "imaging/model_pack.h"

namespace {

using tilsyn::imaging::DnnDetector;
using tilsyn::imaging::ModelSpec;

constexpr double kBudgetCpuMs = 150.0;
constexpr double kBudgetMb = 10.0;
const char kVideo[] = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";

const cv::Mat& Frame() {
  static const cv::Mat frame = [] {
    cv::VideoCapture cap(kVideo);
    cv::Mat f;
    for (int i = 0; i <= 300 && cap.read(f); ++i) {
    }
    if (f.empty()) return cv::Mat();
    cv::Mat out;
    cv::resize(f, out, cv::Size(1920, 1080), 0, 0, cv::INTER_CUBIC);
    return out;
  }();
  return frame;
}

std::string PackDir() {
  std::string d = tilsyn::imaging::FindDefaultModelPack();
  if (d.empty()) d = std::string(TILSYN_SOURCE_DIR) + "/models";
  return d;
}

double ProcessCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double WallMs() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double FileMb(const std::string& path) {
  if (path.empty()) return 0;
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<double>(n) / 1e6;
}

void BM_Model(benchmark::State& state, const ModelSpec& spec) {
  const cv::Mat& frame = Frame();
  if (frame.empty()) return state.SkipWithError("vtest.avi missing (opencv-doc)");
  auto det = DnnDetector::Create(spec);
  if (!det.ok()) return state.SkipWithError(det.status().ToString().c_str());

  const double w0 = WallMs();
  auto warm = (*det)->Detect(frame);
  const double first_call_ms = WallMs() - w0;
  if (!warm.ok()) return state.SkipWithError(warm.status().ToString().c_str());

  double wall = 0, cpu = 0;
  size_t detections = warm->size();
  for (auto _ : state) {
    const double c0 = ProcessCpuMs(), t0 = WallMs();
    auto r = (*det)->Detect(frame);
    const double t1 = WallMs(), c1 = ProcessCpuMs();
    benchmark::DoNotOptimize(r);
    if (!r.ok()) return state.SkipWithError(r.status().ToString().c_str());
    wall += t1 - t0;
    cpu += c1 - c0;
    detections = r->size();
  }
  const double n = static_cast<double>(state.iterations());
  const double cpu_ms = cpu / n;
  const double mb = FileMb(spec.file) + FileMb(spec.config);
  state.counters["wall_ms"] = wall / n;
  state.counters["cpu_ms_per_frame"] = cpu_ms;
  state.counters["fps_per_core"] = cpu_ms > 0 ? 1000.0 / cpu_ms : 0;
  state.counters["first_call_ms"] = first_call_ms;
  state.counters["model_mb"] = mb;
  state.counters["detections"] = static_cast<double>(detections);
  state.counters["within_150ms"] = cpu_ms <= kBudgetCpuMs ? 1 : 0;
  state.counters["within_10mb"] = mb <= kBudgetMb ? 1 : 0;
  state.SetLabel(spec.name + " " + std::to_string(spec.input.width) + "x" +
                 std::to_string(spec.input.height));
}

}  // namespace

int main(int argc, char** argv) {
  cv::setNumThreads(1);
  benchmark::Initialize(&argc, argv);
  const std::string dir = PackDir();
  auto pack = tilsyn::imaging::LoadModelPack(dir);
  if (!pack.ok()) {
    std::fprintf(stderr, "models_bench: cannot load the default pack %s: %s\n", dir.c_str(),
                 pack.status().ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "models_bench: pack %s (%s), %zu models, budget %.0f ms CPU / %.0f MB\n",
               pack->name.c_str(), pack->dir.c_str(), pack->models.size(), kBudgetCpuMs,
               kBudgetMb);
  for (const ModelSpec& spec : pack->models) {
    benchmark::RegisterBenchmark(("BM_Model/" + spec.name).c_str(), BM_Model, spec)
        ->Unit(benchmark::kMillisecond)
        ->MeasureProcessCPUTime()
        ->UseRealTime()
        ->Iterations(10);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
