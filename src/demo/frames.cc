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
constexpr const char* kStreet = "/usr/share/doc/opencv-doc/examples/data/leuvenA.jpg";

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

// The empty street seen from a little further right and closer (another vehicle's pass), with a
// skip container on the cobbles: a yellow steel body wider at the top, a rim, ribs, a shadow.
Result<FrameRef> GeneratedContainer(const std::string& dir, const std::string& street) {
  TILSYN_RETURN_IF_ERROR(MakeDirs(dir));
  cv::Mat base = cv::imread(street);
  if (base.empty()) return Status::IoError("cannot read " + street);
  const cv::Point2f c(base.cols / 2.0f, base.rows / 2.0f);
  cv::Mat m = cv::getRotationMatrix2D(c, 0.8, 1.03);
  m.at<double>(0, 2) -= 9;
  m.at<double>(1, 2) += 4;
  cv::Mat img;
  cv::warpAffine(base, img, m, base.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  const int x0 = base.cols * 20 / 100, x1 = base.cols * 58 / 100;
  const int top = base.rows * 62 / 100, bottom = base.rows * 88 / 100;
  const int inset = (x1 - x0) / 9;
  cv::ellipse(img, {(x0 + x1) / 2, bottom + 4}, {(x1 - x0) / 2 + 10, 12}, 0, 0, 360,
              cv::Scalar(35, 38, 40), cv::FILLED);
  const std::vector<cv::Point> body = {{x0, top}, {x1, top}, {x1 - inset, bottom}, {x0 + inset, bottom}};
  cv::fillConvexPoly(img, body, cv::Scalar(20, 190, 235));
  for (int k = 1; k < 6; ++k) {
    const int xt = x0 + (x1 - x0) * k / 6;
    const int xb = x0 + inset + (x1 - x0 - 2 * inset) * k / 6;
    cv::line(img, {xt, top + 14}, {xb, bottom - 4}, cv::Scalar(10, 150, 200), 5);
  }
  cv::rectangle(img, {x0 - 6, top - 6, x1 - x0 + 12, 16}, cv::Scalar(15, 160, 210), cv::FILLED);
  const std::string path = dir + "/container.png";
  if (!cv::imwrite(path, img)) return Status::IoError("cannot write " + path);
  return FrameRef{path, -1, "opencv-doc leuvenA.jpg (a street) with a drawn skip container"};
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
    case Scene::kEmptySite:
      if (Exists(kStreet)) return FrameRef{kStreet, -1, "opencv-doc leuvenA.jpg (an empty street)"};
      break;
    case Scene::kContainer:
      if (Exists(kStreet)) return GeneratedContainer(generated_dir, kStreet);
      break;
    case Scene::kSmallPeople:
      if (Exists(darknet + "kite.jpg")) return FrameRef{darknet + "kite.jpg", -1, "darknet kite.jpg (distant people)"};
      break;
  }
  return Generated(generated_dir, i);
}

}  // namespace tilsyn::demo
