#include "agent/camera/folder_camera.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>

#include <opencv2/videoio.hpp>

#include "core/file_util.h"
#include "imaging/jpeg.h"

namespace tilsyn::agent {
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = line.find(',', start);
    if (p == std::string::npos) {
      out.push_back(Trim(line.substr(start)));
      return out;
    }
    out.push_back(Trim(line.substr(start, p - start)));
    start = p + 1;
  }
}

bool ParseNum(const std::string& s, double* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(*out);
}

}  // namespace

Result<std::unique_ptr<FolderCamera>> FolderCamera::Open(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::NotFound("camera folder not found: " + dir, "camera_dir");
  }
  std::string index_path = (std::filesystem::path(dir) / "index.csv").string();
  Result<std::string> text = ReadFile(index_path);
  if (!text.ok()) return Status::NotFound("missing " + index_path, "camera_dir");

  std::vector<Entry> entries;
  size_t start = 0;
  int line_no = 0;
  bool header_seen = false;
  while (start < text->size()) {
    size_t nl = text->find('\n', start);
    std::string line =
        Trim(text->substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    start = nl == std::string::npos ? text->size() : nl + 1;
    ++line_no;
    if (line.empty()) continue;
    std::vector<std::string> cols = SplitCsv(line);
    if (!header_seen) {
      header_seen = true;
      if (cols.size() < 3 || cols[0] != "lat" || cols[1] != "lon" || cols[2] != "file") {
        return Status::InvalidArgument(index_path + ": header must be 'lat,lon,file'",
                                       "camera_dir");
      }
      continue;
    }
    Entry e;
    if (cols.size() < 3 || !ParseNum(cols[0], &e.pos.lat) || !ParseNum(cols[1], &e.pos.lon) ||
        cols[2].empty() || std::abs(e.pos.lat) > 90 || std::abs(e.pos.lon) > 180) {
      return Status::InvalidArgument(index_path + ": bad row " + std::to_string(line_no),
                                     "camera_dir");
    }
    std::filesystem::path f(cols[2]);
    e.file = f.is_absolute() ? f.string() : (std::filesystem::path(dir) / f).string();
    if (cols.size() >= 4 && !cols[3].empty()) {
      double frame = -1;
      if (!ParseNum(cols[3], &frame) || frame < -1 || frame != std::floor(frame)) {
        return Status::InvalidArgument(index_path + ": bad frame in row " + std::to_string(line_no),
                                       "camera_dir");
      }
      e.frame = static_cast<int>(frame);
    }
    entries.push_back(std::move(e));
  }
  if (entries.empty()) return Status::InvalidArgument(index_path + " lists no image", "camera_dir");
  return std::make_unique<FolderCamera>(std::move(entries));
}

const FolderCamera::Entry& FolderCamera::Nearest(geo::LatLon p) const {
  size_t best = 0;
  double best_d = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < entries_.size(); ++i) {
    double d = geo::DistanceM(p, entries_[i].pos);
    if (d < best_d) {
      best_d = d;
      best = i;
    }
  }
  return entries_[best];
}

// The replayed frame belongs to the fix that asked for it (its time is the fix's).
Result<Frame> FolderCamera::Capture(const GpsFix& at) {
  if (entries_.empty()) return Status::FailedPrecondition("camera folder has no images");
  const Entry& e = Nearest(at.pos);
  if (e.frame >= 0) {
    cv::VideoCapture video(e.file);
    if (!video.isOpened()) return Status::NotFound("cannot open video " + e.file);
    video.set(cv::CAP_PROP_POS_FRAMES, e.frame);
    cv::Mat frame;
    if (!video.read(frame) || frame.empty()) {
      return Status::NotFound("no frame " + std::to_string(e.frame) + " in " + e.file);
    }
    return Frame{std::move(frame), at.time};
  }
  TILSYN_ASSIGN_OR_RETURN(std::string bytes, ReadFile(e.file));
  TILSYN_ASSIGN_OR_RETURN(cv::Mat image, imaging::DecodeImage(bytes));
  return Frame{std::move(image), at.time};
}

}  // namespace tilsyn::agent
