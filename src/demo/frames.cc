#include "demo/frames.h"

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/file_util.h"

namespace tilsyn::demo {
namespace {

constexpr const char* kVtest = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
constexpr const char* kDarknet = "/usr/share/darknet/data/";
constexpr const char* kCarPlate = "/usr/share/doc/opencv-doc/examples/data/licenseplate_motion.jpg";

bool Exists(const std::string& p) {
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec);
}

// A plain street: sky, facades, road with lane markings. No people, no plates.
Result<FrameRef> Generated(const std::string& dir, int i) {
  TILSYN_RETURN_IF_ERROR(MakeDirs(dir));
  cv::Mat img(480, 640, CV_8UC3, cv::Scalar(200, 170, 120));
  cv::rectangle(img, {0, 300, 640, 180}, cv::Scalar(90, 90, 90), cv::FILLED);
  for (int x = 0; x < 640; x += 80) {
    cv::rectangle(img, {x + 5, 120 - (x / 80 % 3) * 20, 70, 180 + (x / 80 % 3) * 20},
                  cv::Scalar(60 + x / 8, 80, 140), cv::FILLED);
  }
  for (int x = 20 + i * 10; x < 640; x += 100) cv::rectangle(img, {x, 390, 50, 8}, cv::Scalar(240, 240, 240), cv::FILLED);
  std::string path = dir + "/street_" + std::to_string(i) + ".png";
  if (!cv::imwrite(path, img)) return Status::IoError("cannot write " + path);
  return FrameRef{path, -1, "generated street scene (no people)"};
}

// A rendered street sign, "PARKERING FORBUDT", on a plain facade: text for the OCR service.
Result<FrameRef> GeneratedSign(const std::string& dir) {
  TILSYN_RETURN_IF_ERROR(MakeDirs(dir));
  cv::Mat img(480, 640, CV_8UC3, cv::Scalar(150, 160, 170));
  cv::rectangle(img, {0, 380, 640, 100}, cv::Scalar(90, 90, 90), cv::FILLED);
  cv::rectangle(img, {300, 250, 12, 200}, cv::Scalar(60, 60, 60), cv::FILLED);
  cv::rectangle(img, {150, 90, 340, 170}, cv::Scalar(255, 255, 255), cv::FILLED);
  cv::rectangle(img, {150, 90, 340, 170}, cv::Scalar(30, 30, 30), 4);
  cv::putText(img, "PARKERING", {178, 160}, cv::FONT_HERSHEY_DUPLEX, 1.5, cv::Scalar(0, 0, 0), 3);
  cv::putText(img, "FORBUDT", {205, 225}, cv::FONT_HERSHEY_DUPLEX, 1.5, cv::Scalar(0, 0, 0), 3);
  std::string path = dir + "/sign.png";
  if (!cv::imwrite(path, img)) return Status::IoError("cannot write " + path);
  return FrameRef{path, -1, "generated no-parking sign"};
}

}  // namespace

Result<FrameRef> FrameFor(Scene scene, int i, const std::string& generated_dir) {
  std::string darknet(kDarknet);
  switch (scene) {
    case Scene::kCrowd:
      if (Exists(kVtest)) return FrameRef{kVtest, i, "opencv-doc vtest.avi (pedestrians)"};
      break;
    case Scene::kOnePerson:
      if (Exists(darknet + "person.jpg")) return FrameRef{darknet + "person.jpg", -1, "darknet person.jpg"};
      break;
    case Scene::kNoPerson:
      if (Exists(darknet + "dog.jpg")) return FrameRef{darknet + "dog.jpg", -1, "darknet dog.jpg (street, no people)"};
      break;
    case Scene::kSign:
      return GeneratedSign(generated_dir);
    case Scene::kParkedCar:
      if (Exists(kCarPlate)) return FrameRef{kCarPlate, -1, "opencv-doc licenseplate_motion.jpg (a car and its plate)"};
      break;
    case Scene::kSmallPeople:
      if (Exists(darknet + "kite.jpg")) return FrameRef{darknet + "kite.jpg", -1, "darknet kite.jpg (distant people)"};
      break;
  }
  return Generated(generated_dir, i);
}

}  // namespace tilsyn::demo
