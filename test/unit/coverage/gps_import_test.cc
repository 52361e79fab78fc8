#include "coverage/import/gps_import.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "core/time_format.h"
#include "fakes/test_paths.h"

namespace tilsyn::coverage {
namespace {

std::string Nmea(const std::string& body) {
  unsigned char sum = 0;
  for (char c : body) sum ^= static_cast<unsigned char>(c);
  char buf[8];
  std::snprintf(buf, sizeof buf, "*%02X", sum);
  return "$" + body + buf;
}

GpsImportOptions CsvOpts(const std::string& spec) {
  GpsImportOptions o;
  o.format = GpsFormat::kCsv;
  o.csv = ParseCsvMapping(spec).value();
  return o;
}

TEST(CsvMapping, ParsesKeysAndRejectsUnknownOrMissing) {
  auto m = ParseCsvMapping("vehicle=vehicle_id,time=timestamp_iso8601,lat=lat,lon=lon");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->vehicle, "vehicle_id");
  EXPECT_EQ(m->time, "timestamp_iso8601");
  EXPECT_EQ(ParseCsvMapping("time=t,lat=y").status().field(), "csv-columns");
  EXPECT_FALSE(ParseCsvMapping("time=t,lat=y,lon=x,speed=s").ok());
}

TEST(CsvImport, BadRowsAreCountedWithFileAndLineAndTheRestImports) {
  const std::string text =
      "vehicle_id,timestamp_iso8601,lat,lon\n"
      "bus1,2024-01-02T08:00:00Z,55.1,12.1\n"
      "bus1,not-a-time,55.1,12.1\n"           // line 3
      "bus1,2024-01-02T08:00:01Z,955.1,12.1\n"  // line 4
      "\n"
      "bus2,2024-01-02T08:00:02Z,55.2,12.2\n"
      "bus2,2024-01-02T08:00:03Z\n";  // line 7
  GpsImportResult r;
  ASSERT_TRUE(ImportGpsText(text, "a.csv", CsvOpts("vehicle=vehicle_id,time=timestamp_iso8601,lat=lat,lon=lon"), &r).ok());
  EXPECT_EQ(r.good, 2);
  EXPECT_EQ(r.bad, 3);
  EXPECT_EQ(r.records, 5);
  ASSERT_EQ(r.bad_records.size(), 3u);
  EXPECT_EQ(r.bad_records[0].file, "a.csv");
  EXPECT_EQ(r.bad_records[0].line, 3);
  EXPECT_EQ(r.bad_records[1].line, 4);
  EXPECT_EQ(r.bad_records[2].line, 7);
  EXPECT_EQ(r.by_vehicle["bus1"].size(), 1u);
  EXPECT_EQ(r.by_vehicle["bus2"][0].time, ParseIso8601("2024-01-02T08:00:02Z").value());
}

TEST(CsvImport, SemicolonGeoLifeStyleWithShortZoneAndDefaultVehicle) {
  const std::string text =
      "X;Y;fid;t\n"
      "116.391305;39.898573;1;2008-12-11 04:42:14+00\n"
      "116.391317;39.898617;2;2008-12-11 05:42:16+01\n";
  GpsImportOptions o = CsvOpts("time=t,lat=Y,lon=X");
  o.vehicle = "tracker19";
  GpsImportResult r;
  ASSERT_TRUE(ImportGpsText(text, "g.csv", o, &r).ok());
  ASSERT_EQ(r.by_vehicle["tracker19"].size(), 2u);
  EXPECT_EQ(r.by_vehicle["tracker19"][1].time, ParseIso8601("2008-12-11T04:42:16Z").value());
  EXPECT_NEAR(r.by_vehicle["tracker19"][0].pos.lon, 116.391305, 1e-9);
}

TEST(CsvImport, MissingColumnOrVehicleIsAnErrorNamingTheFlag) {
  GpsImportResult r;
  auto s = ImportGpsText("a,b,c\n1,2,3\n", "x.csv", CsvOpts("time=t,lat=y,lon=x"), &r);
  EXPECT_EQ(s.field(), "csv-columns");
  s = ImportGpsText("t,y,x\n1,2,3\n", "x.csv", CsvOpts("time=t,lat=y,lon=x"), &r);
  EXPECT_EQ(s.field(), "vehicle");
}

TEST(TimeFormats, EpochAndStrftimePatterns) {
  EXPECT_EQ(ParseTimeWithFormat("1700000000", "epoch_s").value(), 1'700'000'000'000);
  EXPECT_EQ(ParseTimeWithFormat("1700000000123", "epoch_ms").value(), 1'700'000'000'123);
  EXPECT_EQ(ParseTimeWithFormat("17-Jan-2009 20:27:37", "%d-%b-%Y %H:%M:%S").value(),
            ParseIso8601("2009-01-17T20:27:37Z").value());
  EXPECT_FALSE(ParseTimeWithFormat("2009/01/17", "%d-%b-%Y %H:%M:%S").ok());
  EXPECT_EQ(ParseTimeWithFormat("2009-01-17T20:27:37", "iso8601").value(),
            ParseIso8601("2009-01-17T20:27:37Z").value());
}

TEST(NmeaImport, BadChecksumLineIsReportedWithItsLineNumber) {
  std::string good1 = Nmea("GPRMC,080000,A,5540.000,N,01234.000,E,10.0,90.0,020124,,");
  std::string bad = Nmea("GPRMC,080001,A,5540.010,N,01234.010,E,10.0,90.0,020124,,");
  bad[bad.size() - 1] = bad.back() == '0' ? '1' : '0';
  std::string good2 = Nmea("GPRMC,080002,A,5540.020,N,01234.020,E,10.0,90.0,020124,,");
  GpsImportOptions o;
  o.vehicle = "van";
  GpsImportResult r;
  ASSERT_TRUE(ImportGpsText(good1 + "\r\n" + bad + "\r\n" + good2 + "\r\n", "d.nmea", o, &r).ok());
  EXPECT_EQ(r.by_vehicle["van"].size(), 2u);
  EXPECT_EQ(r.bad, 1);
  ASSERT_EQ(r.bad_records.size(), 1u);
  EXPECT_EQ(r.bad_records[0].line, 2);
  EXPECT_EQ(r.bad_records[0].reason, "bad checksum");
}

TEST(GpxImport, PointWithoutTimeIsReportedWithItsLine) {
  const std::string gpx =
      "<?xml version=\"1.0\"?>\n<gpx><trk><trkseg>\n"
      "<trkpt lat=\"55.1\" lon=\"12.1\"><time>2024-01-02T08:00:00Z</time></trkpt>\n"
      "<trkpt lat=\"55.1\" lon=\"12.1\"></trkpt>\n"  // line 4
      "<trkpt lat=\"55.2\" lon=\"12.2\"><time>2024-01-02T08:00:01Z</time></trkpt>\n"
      "</trkseg></trk></gpx>\n";
  GpsImportOptions o;
  o.vehicle = "van";
  GpsImportResult r;
  ASSERT_TRUE(ImportGpsText(gpx, "t.gpx", o, &r).ok());
  EXPECT_EQ(r.good, 2);
  EXPECT_EQ(r.records, 3);
  ASSERT_EQ(r.bad_records.size(), 1u);
  EXPECT_EQ(r.bad_records[0].line, 4);
  EXPECT_EQ(r.bad_records[0].file, "t.gpx");
}

TEST(GeoJsonImport, PointsAndTimedLineStringsBadFeaturesNamed) {
  const std::string text = R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"time":"2024-01-02T08:00:00Z","vehicle":"a"},
     "geometry":{"type":"Point","coordinates":[12.1,55.1]}},
    {"type":"Feature","properties":{"vehicle":"a"},
     "geometry":{"type":"Point","coordinates":[12.1,55.1]}},
    {"type":"Feature","properties":{"vehicle":"b","times":[1704182400,1704182401]},
     "geometry":{"type":"LineString","coordinates":[[12.1,55.1],[12.2,55.2]]}},
    {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[]}}]})";
  GpsImportOptions o;
  o.vehicle = "default";
  GpsImportResult r;
  ASSERT_TRUE(ImportGpsText(text, "p.geojson", o, &r).ok());
  EXPECT_EQ(r.by_vehicle["a"].size(), 1u);
  ASSERT_EQ(r.by_vehicle["b"].size(), 2u);
  EXPECT_EQ(r.by_vehicle["b"][1].time, 1'704'182'401'000);
  EXPECT_EQ(r.bad, 2);
  ASSERT_EQ(r.bad_records.size(), 2u);
  EXPECT_EQ(r.bad_records[0].reason.rfind("features[1]", 0), 0u) << r.bad_records[0].reason;
  EXPECT_EQ(r.bad_records[1].reason.rfind("features[3]", 0), 0u) << r.bad_records[1].reason;
  GpsImportResult bad;
  EXPECT_FALSE(ImportGpsText("{not json", "x.geojson", o, &bad).ok());
}

TEST(FormatDetection, ByExtensionThenContent) {
  EXPECT_EQ(DetectGpsFormat("a.GPX", ""), GpsFormat::kGpx);
  EXPECT_EQ(DetectGpsFormat("a.txt", "$GPRMC,"), GpsFormat::kNmea);
  EXPECT_EQ(DetectGpsFormat("a.txt", "  {\"type\""), GpsFormat::kGeoJson);
  EXPECT_EQ(DetectGpsFormat("a.txt", "a,b,c"), GpsFormat::kCsv);
}

TEST(RealData, SeattleTraceImportsEveryFix) {
  if (testing::SharedDir().empty()) GTEST_SKIP() << "no ../shared";
  const std::string path = testing::SharedDir() + "/data/gps_seattle/seattle_trace.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no Seattle trace";
  GpsImportResult r;
  ASSERT_TRUE(ImportGpsFile(path, CsvOpts("vehicle=vehicle_id,time=timestamp_iso8601,lat=lat,lon=lon"), &r).ok());
  EXPECT_EQ(r.bad, 0);
  EXPECT_EQ(r.by_vehicle["seattle_nk2009"].size(), 7531u);
}

TEST(RealData, SeattleRawTsvWithSplitDateAndTimeColumns) {
  if (testing::SharedDir().empty()) GTEST_SKIP() << "no ../shared";
  const std::string path = testing::SharedDir() + "/data/gps_seattle/gps_data.txt";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no Seattle raw trace";
  GpsImportOptions o = CsvOpts("time=Date (UTC)+Time (UTC),lat=Latitude,lon=Longitude");
  o.csv.time_format = "%d-%b-%Y %H:%M:%S";
  o.vehicle = "nk";
  GpsImportResult r;
  ASSERT_TRUE(ImportGpsFile(path, o, &r).ok());
  EXPECT_EQ(r.bad, 0);
  ASSERT_EQ(r.by_vehicle["nk"].size(), 7531u);
  EXPECT_EQ(r.by_vehicle["nk"][0].time, ParseIso8601("2009-01-17T20:27:37Z").value());
}

TEST(RealData, GeoLifeSemicolonCsvImportsPerTracker) {
  if (testing::SharedDir().empty()) GTEST_SKIP() << "no ../shared";
  const std::string path = testing::SharedDir() + "/data/gps_geolife/demodata_geolife.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no GeoLife sample";
  GpsImportResult r;
  ASSERT_TRUE(ImportGpsFile(path, CsvOpts("vehicle=tracker,time=t,lat=Y,lon=X"), &r).ok());
  EXPECT_EQ(r.good + r.bad, 5908);
  EXPECT_EQ(r.bad, 0);
}

// Found by fuzz_gps_import: a GeoJSON file whose "type" is not a string threw out of the import
// (the CLI ended with std::terminate). It is refused like any other non-GeoJSON file.
TEST(GeoJsonImport, ATypeThatIsNotAStringIsRefusedNotThrown) {
  GpsImportOptions o;
  o.format = GpsFormat::kGeoJson;
  for (const char* text : {R"({"type": [{"type": "Feature"}]})", R"({"type": 5})",
                           R"({"type": "Feature", "geometry": {"type": {"a": 1}}})"}) {
    GpsImportResult out;
    const Status st = ImportGpsText(text, "x.geojson", o, &out);
    EXPECT_TRUE(!st.ok() || out.bad == 1) << text << ": " << st.ToString();
    EXPECT_EQ(out.good, 0) << text;
  }
}

}  // namespace
}  // namespace tilsyn::coverage
