#include "core/file_util.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace tilsyn {
namespace {

TEST(CheckFreeSpace, OkAboveTheReserveStorageFullBelowItWithoutThePath) {
  EXPECT_TRUE(CheckFreeSpace("/tmp", 0).ok());
  Status st = CheckFreeSpace("/tmp", std::numeric_limits<int64_t>::max());
  EXPECT_EQ(st.code(), Code::kStorageFull);
  EXPECT_TRUE(st.retryable());
  EXPECT_EQ(st.message().find("/tmp"), std::string::npos) << st.message();
  EXPECT_EQ(CheckFreeSpace("/no/such/dir", 0).code(), Code::kIoError);
}

}  // namespace
}  // namespace tilsyn
