#include "net/multipart.h"

#include <gtest/gtest.h>

namespace tilsyn::net {
namespace {

std::string BinaryBytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  s += "\r\n--notaboundary\r\n";
  s.push_back('\0');
  return s;
}

TEST(Multipart, RoundTripKeepsBinaryBytesNamesAndTypes) {
  std::vector<MultipartPart> parts = {
      {"metadata", "", "application/json", R"({"id":"x"})"},
      {"image", "obs.jpg", "image/jpeg", BinaryBytes()},
  };
  std::string body = BuildMultipart(parts, "b0und4ry");
  auto parsed = ParseMultipart(body, "multipart/form-data; boundary=b0und4ry");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].name, "metadata");
  EXPECT_EQ((*parsed)[0].filename, "");
  EXPECT_EQ((*parsed)[0].content_type, "application/json");
  EXPECT_EQ((*parsed)[0].data, R"({"id":"x"})");
  EXPECT_EQ((*parsed)[1].name, "image");
  EXPECT_EQ((*parsed)[1].filename, "obs.jpg");
  EXPECT_EQ((*parsed)[1].content_type, "image/jpeg");
  EXPECT_EQ((*parsed)[1].data, BinaryBytes());
}

TEST(Multipart, AcceptsQuotedBoundaryPreambleAndCaseInsensitiveHeaders) {
  std::string body =
      "preamble text\r\n"
      "--a b\r\n"
      "content-disposition: FORM-DATA; filename=\"x;y.jpg\"; name=\"image\"\r\n"
      "\r\n"
      "DATA\r\n"
      "--a b--\r\nepilogue";
  auto parsed = ParseMultipart(body, "Multipart/Form-Data; charset=utf-8; boundary=\"a b\"");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].name, "image");
  EXPECT_EQ((*parsed)[0].filename, "x;y.jpg");
  EXPECT_EQ((*parsed)[0].data, "DATA");
}

TEST(Multipart, EmptyPartDataIsKept) {
  std::string body = BuildMultipart({{"a", "", "", ""}}, "zz");
  auto parsed = ParseMultipart(body, "multipart/form-data; boundary=zz");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].data, "");
}

TEST(Multipart, WrongContentTypeIsUnsupportedMedia) {
  auto r = ParseMultipart("x", "application/json");
  EXPECT_EQ(r.status().code(), Code::kUnsupportedMedia);
  r = ParseMultipart("x", "multipart/form-data");
  EXPECT_EQ(r.status().code(), Code::kUnsupportedMedia);
  r = ParseMultipart("x", "");
  EXPECT_EQ(r.status().code(), Code::kUnsupportedMedia);
}

TEST(Multipart, MalformedBodiesAreInvalidArgument) {
  const std::string ct = "multipart/form-data; boundary=B";
  const std::vector<std::string> bad = {
      "",                                                                   // nothing
      "no boundary here",                                                   // no delimiter
      "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nxx",        // unterminated data
      "--B\r\nContent-Disposition: form-data; name=\"a\"\r\nxx",            // unterminated headers
      "--B\r\nContent-Type: text/plain\r\n\r\nxx\r\n--B--",                 // no disposition
      "--B\r\nContent-Disposition: form-data\r\n\r\nxx\r\n--B--",           // no name
      "--B\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--B--",   // not form-data
      "--B\r\nbroken header\r\n\r\nx\r\n--B--",                             // no colon
      "--Bjunk\r\n",                                                        // no CRLF after
      "--B\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--B--",  // open quote
  };
  for (const auto& body : bad) {
    auto r = ParseMultipart(body, ct);
    EXPECT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << body;
  }
}

TEST(Multipart, ClosingDelimiterOnlyGivesNoParts) {
  auto r = ParseMultipart("--B--\r\n", "multipart/form-data; boundary=B");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

}  // namespace
}  // namespace tilsyn::net
