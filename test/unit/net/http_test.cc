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
