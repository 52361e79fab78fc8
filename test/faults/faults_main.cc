// `make faults`: the fault matrix on loopback with the real binaries (issue 16). Each TEST is
// one fault; each records its row (fault_table.h); the table and the summary line are printed at
// the end. Exit status: gtest's (1 when any scenario's own checks failed).
#include <gtest/gtest.h>

#include <cstdio>

#include "fault_table.h"
#include "net/http_client.h"

namespace {

class PrintTable : public ::testing::Environment {
 public:
  void TearDown() override {
    std::fputs(tilsyn::testing::FaultReport().c_str(), stdout);
    std::fflush(stdout);
  }
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  tilsyn::net::InitHttpClient();
  ::testing::AddGlobalTestEnvironment(new PrintTable);
  return RUN_ALL_TESTS();
}
