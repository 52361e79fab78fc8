// Annotated image sets for evaluations (recognizers and anonymizers): ground-truth boxes per image,
// read from three formats, detected by the path given:
//   - JSON list (`*.json` whose top level is an array):
//       [{"image": "a.jpg", "width": 640, "height": 480,
//         "boxes": [{"class": "person", "x": 10, "y": 20, "w": 30, "h": 60}]}]
//     `image` is absolute or relative to the images folder; width/height are optional (0 = read
//     from the image when needed).
//   - COCO JSON (`*.json` whose top level is an object with "images", "annotations",
//     "categories"): bbox = [x, y, w, h] in pixels; `iscrowd` boxes are kept with crowd = true.
//   - YOLO txt (a folder of `<stem>.txt`, one line "class cx cy w h" normalised to 0..1, class
//     names from `classes.txt` or `obj.names` in that folder, else the class id as the name);
//     the image is `<images>/<stem>.{jpg,jpeg,png,bmp}` and its size is read from the file.
// Pure functions (YOLO reads image headers); thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/json_util.h"
#include "core/result.h"
#include "tasks/detection.h"

namespace tilsyn::eval {

struct GroundTruthBox {
  std::string label;
  tasks::Box box;
  bool crowd = false;  // COCO iscrowd: matches are neither true nor false positives
};

struct AnnotatedImage {
  std::string image;  // absolute path, or relative to the working directory
  int width = 0, height = 0;
  std::vector<GroundTruthBox> boxes;
};

// `labels` is a .json file (list or COCO) or a folder of YOLO .txt files. `images_dir` resolves
// relative image names ("" = relative to the labels file's folder). InvalidArgument naming the
// entry (e.g. "labels[3].boxes[0].w") for malformed input; NotFound for missing files.
Result<std::vector<AnnotatedImage>> LoadAnnotations(const std::string& labels,
                                                    const std::string& images_dir);

// The individual readers (exposed for tests). `base` resolves relative image names.
Result<std::vector<AnnotatedImage>> AnnotationsFromJsonList(const Json& j, const std::string& base);
Result<std::vector<AnnotatedImage>> AnnotationsFromCoco(const Json& j, const std::string& base);
Result<std::vector<AnnotatedImage>> AnnotationsFromYoloDir(const std::string& dir,
                                                           const std::string& images_dir);

}  // namespace tilsyn::eval
