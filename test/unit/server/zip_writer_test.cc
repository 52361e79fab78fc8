#include "server/zip_writer.h"

#include <gtest/gtest.h>

namespace tilsyn::server {
namespace {

TEST(Zip, WhatIsWrittenReadsBackInOrder) {
  std::string binary(70'000, '\0');
  for (size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 31 % 251);
  const std::vector<ZipEntry> in = {{"a.json", "{\"x\": 1}\n"},
                                    {"dir/b.bin", binary},
                                    {"empty.txt", ""},
                                    {"ø.txt", "utf-8 name"}};
  auto zip = WriteZip(in);
  ASSERT_TRUE(zip.ok()) << zip.status().ToString();
  EXPECT_EQ(zip->substr(0, 4), std::string("PK\x03\x04", 4));
  auto out = ReadZip(*zip);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ((*out)[i].name, in[i].name);
    EXPECT_EQ((*out)[i].data, in[i].data);
  }
}

TEST(Zip, BytesThatAreNoArchiveAreNamed) {
  EXPECT_EQ(ReadZip("").status().field(), "zip");
  EXPECT_EQ(ReadZip("PK\x03\x04 truncated").status().field(), "zip");
  auto zip = WriteZip({{"a.txt", std::string(5000, 'a')}});
  ASSERT_TRUE(zip.ok());
  EXPECT_EQ(ReadZip(zip->substr(0, zip->size() / 2)).status().field(), "zip");
}

}  // namespace
}  // namespace tilsyn::server
