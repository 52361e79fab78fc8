#include "coverage/progress.h"

#include <unistd.h>

#include <cstdio>

namespace tilsyn::coverage {

ProgressBar::ProgressBar(std::string label, int64_t total, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void ProgressBar::Update(int64_t done, int64_t count) {
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  if (tty_) {
    if (now - last_ < std::chrono::milliseconds(200)) return;
  } else {
    int decile = total_ > 0 ? static_cast<int>(done * 10 / total_) : 0;
    if (decile == last_decile_) return;
    last_decile_ = decile;
  }
  last_ = now;
  Draw(done, count, false);
}

void ProgressBar::Finish(int64_t count) {
  std::lock_guard lock(mu_);
  if (!tty_ && last_decile_ >= 10) {  // the 100% line is already printed; add only the summary
    std::fprintf(stderr, "%s done\n", label_.c_str());
    return;
  }
  Draw(total_, count, true);
}

void ProgressBar::Draw(int64_t done, int64_t count, bool final) {
  double frac = total_ > 0 ? static_cast<double>(done) / total_ : 1.0;
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  char bar[21];
  int filled = static_cast<int>(frac * 20);
  for (int i = 0; i < 20; ++i) bar[i] = i < filled ? '#' : '.';
  bar[20] = 0;
  char extra[96] = "";
  if (count >= 0) {
    std::snprintf(extra, sizeof extra, "  %.1f M %s  %.2f M/s", count / 1e6, unit_.c_str(),
                  secs > 0 ? count / 1e6 / secs : 0.0);
  }
  char eta[32] = "";
  if (!final && frac > 0.001) std::snprintf(eta, sizeof eta, "  ETA %.0f s", secs * (1 - frac) / frac);
  std::fprintf(stderr, "%s%s [%s] %3.0f%%%s%s  %.1f s%s", tty_ ? "\r" : "", label_.c_str(), bar,
               frac * 100, extra, eta, secs, (final || !tty_) ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace tilsyn::coverage
