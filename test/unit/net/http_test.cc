#include "net/http.h"

#include <gtest/gtest.h>

namespace tilsyn::net {
namespace {

TEST(HttpStatusFor, MapsEveryCodeThroughOneTable) {
  EXPECT_EQ(HttpStatusFor(Code::kOk), 200);
  EXPECT_EQ(HttpStatusFor(Code::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(Code::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(Code::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(Code::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(Code::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(Code::kFailedPrecondition), 412);
  EXPECT_EQ(HttpStatusFor(Code::kPayloadTooLarge), 413);
  EXPECT_EQ(HttpStatusFor(Code::kUnsupportedMedia), 415);
  EXPECT_EQ(HttpStatusFor(Code::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(Code::kDeadlineExceeded), 504);
  EXPECT_EQ(HttpStatusFor(Code::kIoError), 500);
  EXPECT_EQ(HttpStatusFor(Code::kInternal), 500);
  EXPECT_EQ(HttpStatusFor(Code::kStorageFull), 507);
}

// Found from outside: a full disk answered 500 with the server's absolute file path.
TEST(HttpResponse, ServerSideErrorsNameNoPathOrLibraryInternals) {
  const Status cases[] = {
      Status::IoError("open /var/lib/tilsyn/images/ab.jpg.tmp: Permission denied"),
      Status::StorageFull("write /var/lib/tilsyn/images/ab.jpg.tmp: No space left on device"),
      Status::Internal("OpenCV(4.6.0) /build/opencv/modules/imgcodecs/src/loadsave.cpp:77"),
  };
  for (const Status& st : cases) {
    HttpResponse r = HttpResponse::Error(st);
    EXPECT_EQ(r.body.find("/var/lib"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find(".cpp"), std::string::npos) << r.body;
    EXPECT_FALSE(Json::parse(r.body)["error"]["message"].get<std::string>().empty());
  }
  HttpResponse full = HttpResponse::Error(cases[1]);
  EXPECT_EQ(full.status, 507);
  EXPECT_EQ(Json::parse(full.body)["error"]["code"], "insufficient_storage");
}

TEST(HttpResponse, ErrorBodyNamesCodeMessageAndField) {
  HttpResponse r = HttpResponse::Error(Status::InvalidArgument("must be > 0", "area.radius_m"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/json");
  Json j = Json::parse(r.body);
  EXPECT_EQ(j["error"]["code"], "invalid_argument");
  EXPECT_EQ(j["error"]["message"], "must be > 0");
  EXPECT_EQ(j["error"]["field"], "area.radius_m");
}

TEST(HttpResponse, ErrorWithoutFieldOmitsIt) {
  Json j = Json::parse(HttpResponse::Error(Status::NotFound("no such task")).body);
  EXPECT_FALSE(j["error"].contains("field"));
}

TEST(HttpResponse, JsonBodyToleratesInvalidUtf8) {
  HttpResponse r = HttpResponse::JsonBody(200, Json{{"x", std::string("a\xff")}});
  EXPECT_EQ(r.status, 200);
  EXPECT_NO_THROW(Json::parse(r.body));
}

TEST(HttpRequest, HeaderReturnsEmptyWhenAbsent) {
  HttpRequest req;
  req.headers["authorization"] = "Bearer x";
  EXPECT_EQ(req.Header("authorization"), "Bearer x");
  EXPECT_EQ(req.Header("x-missing"), "");
}

TEST(UrlEncode, KeepsUnreservedAndEscapesTheRest) {
  EXPECT_EQ(UrlEncode("Container på Jagtvej 69&x=1"), "Container%20p%C3%A5%20Jagtvej%2069%26x%3D1");
  EXPECT_EQ(UrlEncode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(UrlDecode(UrlEncode("ÆØÅ + /?#"), false), "ÆØÅ + /?#");
}

TEST(UrlDecode, DecodesEscapesAndPlus) {
  EXPECT_EQ(UrlDecode("a%20b+c", true), "a b c");
  EXPECT_EQ(UrlDecode("a%20b+c", false), "a b+c");
  EXPECT_EQ(UrlDecode("%C3%B8", false), "\xC3\xB8");
}

TEST(UrlDecode, KeepsInvalidEscapes) {
  EXPECT_EQ(UrlDecode("100%", false), "100%");
  EXPECT_EQ(UrlDecode("%zz", false), "%zz");
  EXPECT_EQ(UrlDecode("%4", false), "%4");
}

TEST(ParseQuery, SplitsPairsAndLastOneWins) {
  auto q = ParseQuery("status=active&kind=count&limit=5&status=paused&flag&=x&name=a%26b");
  EXPECT_EQ(q["status"], "paused");
  EXPECT_EQ(q["kind"], "count");
  EXPECT_EQ(q["limit"], "5");
  EXPECT_EQ(q["flag"], "");
  EXPECT_EQ(q["name"], "a&b");
  EXPECT_EQ(q.count(""), 0u);
}

TEST(ParseQuery, EmptyStringGivesEmptyMap) { EXPECT_TRUE(ParseQuery("").empty()); }

}  // namespace
}  // namespace tilsyn::net
