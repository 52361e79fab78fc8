#include "core/csv.h"

#include <gtest/gtest.h>

namespace tilsyn {
namespace {

TEST(Csv, SplitsQuotedFieldsAndDoubledQuotes) {
  EXPECT_EQ(SplitCsvLine("a,\"b, c\",\"say \"\"hi\"\"\",\r", ','),
            (std::vector<std::string>{"a", "b, c", "say \"hi\"", ""}));
  EXPECT_EQ(SplitCsvLine("\xEF\xBB\xBFid;navn", ';'), (std::vector<std::string>{"id", "navn"}));
}

TEST(Csv, DetectsTheDelimiterFromTheHeader) {
  EXPECT_EQ(DetectCsvDelimiter("id;holder;lat"), ';');
  EXPECT_EQ(DetectCsvDelimiter("id\tholder"), '\t');
  EXPECT_EQ(DetectCsvDelimiter("id,holder"), ',');
  EXPECT_EQ(DetectCsvDelimiter("single"), ',');
}

TEST(Csv, FieldsAreQuotedAndFormulasNeutralised) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a, b"), "\"a, b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("=SUM(A1)"), "'=SUM(A1)");
  EXPECT_EQ(CsvField("@x"), "'@x");
  // What we write reads back.
  EXPECT_EQ(SplitCsvLine(CsvField("a, \"b\"") + "," + CsvField("c"), ','),
            (std::vector<std::string>{"a, \"b\"", "c"}));
}

}  // namespace
}  // namespace tilsyn
