// FolderCamera: a replay camera over a folder of geotagged images. The folder holds index.csv with
// the header `lat,lon,file[,frame]` and one row per image (file relative to the folder or
// absolute). An optional `frame` >= 0 names a frame of a video file instead of a still image, so a
// replay can use a video in place without extracting frames to disk. Capture decodes the image
// whose position is nearest the fix. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agent/camera/camera.h"

namespace tilsyn::agent {

class FolderCamera : public Camera {
 public:
  struct Entry {
    geo::LatLon pos;
    std::string file;  // absolute or folder-joined path
    int frame = -1;    // >= 0: frame index in a video file
  };
  // Reads `<dir>/index.csv`. NotFound (field "camera_dir") when the folder or index is missing;
  // InvalidArgument for a bad header, a malformed row or an empty index.
  static Result<std::unique_ptr<FolderCamera>> Open(const std::string& dir);

  explicit FolderCamera(std::vector<Entry> entries) : entries_(std::move(entries)) {}
  Result<Frame> Capture(const GpsFix& at) override;
  // The index row nearest to `p` (entries are non-empty).
  const Entry& Nearest(geo::LatLon p) const;
  size_t size() const { return entries_.size(); }

 private:
  std::vector<Entry> entries_;
};

}  // namespace tilsyn::agent
