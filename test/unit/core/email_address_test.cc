#include "core/email_address.h"

#include <gtest/gtest.h>

#include <string>

namespace tilsyn {
namespace {

TEST(EmailAddress, AcceptsPlainAddressesAndRefusesListsNamesAndSpaces) {
  EXPECT_TRUE(IsEmailAddress("inspektor@kk.dk"));
  EXPECT_TRUE(IsEmailAddress("drift+tilsyn@vej-firmaet.example.dk"));
  EXPECT_FALSE(IsEmailAddress("drift"));
  EXPECT_FALSE(IsEmailAddress("a@b"));
  EXPECT_FALSE(IsEmailAddress("a@b.dk,c@d.dk"));
  EXPECT_FALSE(IsEmailAddress("Ida <ida@kk.dk>"));
  EXPECT_FALSE(IsEmailAddress("ida @kk.dk"));
  EXPECT_FALSE(IsEmailAddress(std::string(250, 'a') + "@kk.dk"));
}

}  // namespace
}  // namespace tilsyn
