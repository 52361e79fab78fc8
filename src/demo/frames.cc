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

// The same view from a little further right and closer (another vehicle's pass).
cv::Mat AnotherPass(const cv::Mat& base) {
  const cv::Point2f c(base.cols / 2.0f, base.rows / 2.0f);
  cv::Mat m = cv::getRotationMatrix2D(c, 0.8, 1.03);
  m.at<double>(0, 2) -= 9;
  m.at<double>(1, 2) += 4;
  cv::Mat img;
  cv::warpAffine(base, img, m, base.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  return img;
}

// The sign disc's centre, as fractions of the image's width and height.
constexpr double kSignX = 0.2, kSignY = 0.42;

// A round no-entry sign (red disc, white bar) on a grey pole standing on the left pavement.
// Damaged: the disc bent away from the road (seen as a tilted ellipse), sprayed with a black
// scrawl and half covered by a white poster.
void DrawNoEntrySign(cv::Mat& img, bool damaged) {
  const cv::Point c(static_cast<int>(kSignX * img.cols), static_cast<int>(kSignY * img.rows));
  const int r = img.rows * 7 / 100;
  cv::rectangle(img, {c.x - 4, c.y, 8, img.rows * 78 / 100 - c.y}, cv::Scalar(120, 120, 120), cv::FILLED);
  if (!damaged) {
    cv::circle(img, c, r, cv::Scalar(30, 30, 200), cv::FILLED);
    cv::circle(img, c, r, cv::Scalar(240, 240, 240), 3);
    cv::rectangle(img, {c.x - r * 7 / 10, c.y - r / 5, r * 14 / 10, r * 2 / 5}, cv::Scalar(245, 245, 245), cv::FILLED);
    return;
  }
  cv::ellipse(img, c, {r * 55 / 100, r}, 25, 0, 360, cv::Scalar(30, 30, 190), cv::FILLED);
  cv::ellipse(img, c, {r * 38 / 100, r / 6}, 25 + 90, 0, 360, cv::Scalar(235, 235, 235), cv::FILLED);
  const std::vector<cv::Point> scrawl = {{c.x - r, c.y - r / 2}, {c.x - r / 3, c.y + r / 2},
                                         {c.x + r / 4, c.y - r / 2}, {c.x + r, c.y + r / 3}};
  cv::polylines(img, scrawl, false, cv::Scalar(15, 15, 15), 7);
  cv::rectangle(img, {c.x - r / 8, c.y - r / 3, r * 9 / 10, r * 8 / 10}, cv::Scalar(225, 230, 235), cv::FILLED);
}

Result<FrameRef> GeneratedSignSite(const std::string& dir, const std::string& street, bool damaged) {
  TILSYN_RETURN_IF_ERROR(MakeDirs(dir));
  cv::Mat img = cv::imread(street);
  if (img.empty()) return Status::IoError("cannot read " + street);
  DrawNoEntrySign(img, damaged);
  if (damaged) img = AnotherPass(img);
  const std::string path = dir + (damaged ? "/sign_damaged.png" : "/sign_intact.png");
  if (!cv::imwrite(path, img)) return Status::IoError("cannot write " + path);
  return FrameRef{path, -1, damaged ? "opencv-doc leuvenA.jpg with a drawn, defaced no-entry sign"
                                    : "opencv-doc leuvenA.jpg with a drawn no-entry sign"};
}

// The empty street seen from a little further right and closer (another vehicle's pass), with a
// skip container on the cobbles: a yellow steel body wider at the top, a rim, ribs, a shadow.
Result<FrameRef> GeneratedContainer(const std::string& dir, const std::string& street) {
  TILSYN_RETURN_IF_ERROR(MakeDirs(dir));
  cv::Mat base = cv::imread(street);
  if (base.empty()) return Status::IoError("cannot read " + street);
  cv::Mat img = AnotherPass(base);
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

RegionFraction NoEntrySignRegion() {
  // The disc's radius is 7% of the height; a margin of a third of it around the disc.
  constexpr double kAspect = 563.0 / 751.0;  // leuvenA.jpg
  const double ry = 0.07 * 4 / 3, rx = ry * kAspect;
  return {kSignX - rx, kSignY - ry, 2 * rx, 2 * ry};
}

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
    case Scene::kSignIntact:
    case Scene::kSignDamaged:
      if (Exists(kStreet)) return GeneratedSignSite(generated_dir, kStreet, scene == Scene::kSignDamaged);
      break;
    case Scene::kSmallPeople:
      if (Exists(darknet + "kite.jpg")) return FrameRef{darknet + "kite.jpg", -1, "darknet kite.jpg (distant people)"};
      break;
  }
  return Generated(generated_dir, i);
}

}  // namespace tilsyn::demo
