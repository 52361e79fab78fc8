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

}  // namespace
}  // namespace tilsyn
