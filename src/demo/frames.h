// Frames for the demo's replay cameras: real photographs shipped by Debian packages
// (opencv-doc's pedestrian video vtest.avi, darknet's sample photos), referenced in place — the
// demo copies no camera pixel of a person to disk (the container scene is written: a street
// photo without people, with a drawn container). Where a package is missing, a generated street scene
// without people is written instead (it contains nothing personal).
#pragma once

#include <string>

#include "core/result.h"

namespace tilsyn::demo {

// One camera frame source: an image file, or frame `frame` of a video file.
struct FrameRef {
  std::string file;
  int frame = -1;  // >= 0 for videos
  std::string what;  // short description for the README/summary
};

enum class Scene {
  kCrowd,       // several pedestrians on a street
  kOnePerson,   // one person clearly visible
  kNoPerson,    // a street scene without people
  kSmallPeople, // people far away (hard for detectors: exercises fallback)
  kSign,        // a generated no-parking sign on a plain facade (text for OCR; nothing personal)
  kParkedCar,   // a car seen from behind, its licence plate readable (opencv-doc photo)
  kEmptySite,   // a real street without people or cars (opencv-doc leuvenA.jpg): a permit site
  kContainer,   // the same street seen from a slightly different place with a skip container
                // drawn on the cobbles (no open photo pair of a site with and without one exists)
  kSignIntact,  // the street of kEmptySite with a drawn no-entry sign on a pole
  kSignDamaged, // the same street from a slightly different place, the sign bent and sprayed over
};

// Where the no-entry sign of kSignIntact is, as fractions of the image (a condition task's
// region of interest).
struct RegionFraction {
  double x, y, w, h;
};
RegionFraction NoEntrySignRegion();

// The frame used for `scene`, variant `i` (for the video: frame number `i`).
// `generated_dir` receives a synthetic image when the package photo is missing.
Result<FrameRef> FrameFor(Scene scene, int i, const std::string& generated_dir);

}  // namespace tilsyn::demo
