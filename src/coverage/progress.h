// ProgressBar: a one-line progress display on stderr for long CLI runs (imports, coverage):
// "[#####.....] 48%  12.3 M fixes  1.9 M/s  ETA 41 s". On a terminal the line is redrawn in place
// at most 5 times a second; otherwise a line is printed every 10%. Update is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace tilsyn::coverage {

class ProgressBar {
 public:
  ProgressBar(std::string label, int64_t total, std::string unit = "items");
  // `done` of total; `count` is an extra running figure shown with `unit` (e.g. fixes).
  void Update(int64_t done, int64_t count = -1);
  // Draws 100% and ends the line.
  void Finish(int64_t count = -1);

 private:
  void Draw(int64_t done, int64_t count, bool final);
  std::string label_, unit_;
  int64_t total_;
  bool tty_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point start_, last_;
  int last_decile_ = -1;
};

}  // namespace tilsyn::coverage
