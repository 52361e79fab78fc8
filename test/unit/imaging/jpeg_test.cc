#include "imaging/jpeg.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace tilsyn::imaging {
namespace {

cv::Mat TestImage() {
  cv::Mat img(120, 160, CV_8UC3, cv::Scalar(40, 90, 160));
  cv::rectangle(img, cv::Rect(20, 20, 60, 40), cv::Scalar(250, 250, 250), cv::FILLED);
  cv::circle(img, cv::Point(110, 70), 25, cv::Scalar(10, 200, 30), cv::FILLED);
  return img;
}

void Put16(std::string& s, int v) {
  s.push_back(static_cast<char>((v >> 8) & 0xFF));
  s.push_back(static_cast<char>(v & 0xFF));
}
void PutLe16(std::string& s, int v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void PutLe32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// An APP1 segment "Exif\0\0" + little-endian TIFF with IFD0 pointing to a GPS IFD that holds
// GPSLatitudeRef = "N" and GPSLongitudeRef = "E".
std::string ExifGpsSegment() {
  std::string tiff = "II";
  PutLe16(tiff, 42);
  PutLe32(tiff, 8);  // IFD0 offset
  // IFD0: one entry, GPS IFD pointer (0x8825, LONG) -> offset 26.
  PutLe16(tiff, 1);
  PutLe16(tiff, 0x8825);
  PutLe16(tiff, 4);
  PutLe32(tiff, 1);
  PutLe32(tiff, 26);
  PutLe32(tiff, 0);  // next IFD
  // GPS IFD at 26: two ASCII entries stored inline.
  PutLe16(tiff, 2);
  PutLe16(tiff, 0x0001);  // GPSLatitudeRef
  PutLe16(tiff, 2);
  PutLe32(tiff, 2);
  tiff += std::string("N\0\0\0", 4);
  PutLe16(tiff, 0x0003);  // GPSLongitudeRef
  PutLe16(tiff, 2);
  PutLe32(tiff, 2);
  tiff += std::string("E\0\0\0", 4);
  PutLe32(tiff, 0);
  std::string payload = std::string("Exif\0\0", 6) + tiff;
  std::string seg = "\xFF\xE1";
  Put16(seg, static_cast<int>(payload.size()) + 2);
  return seg + payload;
}

bool HasApp1(const std::string& jpeg) {
  // FF E1 never occurs in entropy-coded data (FF is stuffed with 00 there).
  return jpeg.find("\xFF\xE1") != std::string::npos || jpeg.find("Exif") != std::string::npos;
}

TEST(Jpeg, LooksLikeJpegChecksSoiMarker) {
  EXPECT_TRUE(LooksLikeJpeg(std::string("\xFF\xD8\xFF\xE0", 4)));
  EXPECT_FALSE(LooksLikeJpeg(std::string("\x89PNG\r\n", 6)));
  EXPECT_FALSE(LooksLikeJpeg(std::string("\xFF\xD8", 2)));
  EXPECT_FALSE(LooksLikeJpeg(""));
}

TEST(Jpeg, EncodeThenDecodeRoundTrips) {
  const cv::Mat img = TestImage();
  auto jpeg = EncodeJpeg(img, 95);
  ASSERT_TRUE(jpeg.ok()) << jpeg.status().ToString();
  EXPECT_TRUE(LooksLikeJpeg(*jpeg));
  auto back = DecodeJpeg(*jpeg);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), img.size());
  ASSERT_EQ(back->type(), CV_8UC3);
  EXPECT_LT(cv::norm(*back, img, cv::NORM_L1) / img.total(), 6.0);
}

TEST(Jpeg, ReencodingStripsExifGps) {
  auto plain = EncodeJpeg(TestImage());
  ASSERT_TRUE(plain.ok());
  ASSERT_FALSE(HasApp1(*plain));
  // Insert the EXIF segment right after SOI.
  const std::string with_exif = plain->substr(0, 2) + ExifGpsSegment() + plain->substr(2);
  ASSERT_TRUE(HasApp1(with_exif));

  auto decoded = DecodeJpeg(with_exif);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->size(), TestImage().size());
  auto reencoded = EncodeJpeg(*decoded);
  ASSERT_TRUE(reencoded.ok());
  EXPECT_FALSE(HasApp1(*reencoded));
  EXPECT_EQ(reencoded->find("GPS"), std::string::npos);
}

TEST(Jpeg, DecodeJpegRefusesPng) {
  std::vector<uchar> png;
  ASSERT_TRUE(cv::imencode(".png", TestImage(), png));
  const std::string bytes(png.begin(), png.end());
  auto r = DecodeJpeg(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnsupportedMedia);
  EXPECT_EQ(r.status().field(), "image");
  // DecodeImage accepts any format.
  auto any = DecodeImage(bytes);
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->size(), TestImage().size());
}

TEST(Jpeg, DecodeJpegRefusesTruncatedGarbage) {
  auto r = DecodeJpeg(std::string("\xFF\xD8\xFF\xE0garbage", 11));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnsupportedMedia);
  EXPECT_EQ(r.status().field(), "image");
  EXPECT_FALSE(DecodeJpeg("").ok());
}

TEST(Jpeg, InspectReadsTheFrameSizeWithoutDecoding) {
  auto jpeg = EncodeJpeg(TestImage());
  ASSERT_TRUE(jpeg.ok());
  auto info = InspectJpeg(*jpeg);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->width, 160);
  EXPECT_EQ(info->height, 120);
  EXPECT_TRUE(info->complete);
  // Progressive JPEGs (several scans) are complete too.
  std::vector<uchar> prog;
  ASSERT_TRUE(cv::imencode(".jpg", TestImage(), prog, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}));
  auto p = InspectJpeg(std::string(prog.begin(), prog.end()));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->complete);
  EXPECT_TRUE(DecodeJpeg(std::string(prog.begin(), prog.end())).ok());
}

// Found from outside: a truncated upload was accepted, stored and assessed.
TEST(Jpeg, DecodeJpegRefusesATruncatedImage) {
  auto jpeg = EncodeJpeg(TestImage());
  ASSERT_TRUE(jpeg.ok());
  const std::string cut = jpeg->substr(0, jpeg->size() * 2 / 3);
  ASSERT_TRUE(InspectJpeg(cut).ok());
  EXPECT_FALSE(InspectJpeg(cut)->complete);
  auto r = DecodeJpeg(cut);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnsupportedMedia);
  EXPECT_EQ(r.status().field(), "image");
  EXPECT_NE(r.status().message().find("truncated"), std::string::npos);
  // Cut inside the headers.
  EXPECT_EQ(DecodeJpeg(jpeg->substr(0, 40)).status().code(), Code::kUnsupportedMedia);
}

// Found from outside: a 14 kB file whose header claims 16384 x 16384 pixels cost the server 1 GB
// to decode. The header is read first and the image refused before any pixel is decoded.
TEST(Jpeg, DecodeJpegRefusesADecompressionBombFromItsHeader) {
  auto jpeg = EncodeJpeg(TestImage());
  ASSERT_TRUE(jpeg.ok());
  std::string bomb = *jpeg;
  const size_t sof = bomb.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  for (size_t k : {sof + 5, sof + 7}) {  // height, width
    bomb[k] = static_cast<char>(0x40);
    bomb[k + 1] = 0;
  }
  auto info = InspectJpeg(bomb);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->width, 16384);
  EXPECT_EQ(info->height, 16384);
  auto r = DecodeJpeg(bomb);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPayloadTooLarge);
  EXPECT_EQ(r.status().field(), "image");
  EXPECT_NE(r.status().message().find("16384 x 16384"), std::string::npos);
  EXPECT_EQ(r.status().message().find(".cpp"), std::string::npos);
  // A lower limit refuses the ordinary image too; a higher one lets it through.
  EXPECT_EQ(DecodeJpeg(*jpeg, 100).status().code(), Code::kPayloadTooLarge);
  EXPECT_TRUE(DecodeJpeg(*jpeg, 160 * 120).ok());
}

TEST(Jpeg, EncodeRefusesEmptyImage) { EXPECT_FALSE(EncodeJpeg(cv::Mat()).ok()); }

}  // namespace
}  // namespace tilsyn::imaging
