// `tilsyn dataset export` from a data directory: the export is in the audit trail (invariant 5;
// the CLI appends it before writing any image), the images come out decrypted; a refused export
// writes neither files nor an audit entry.
#include "server/dataset_cli.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/core.hpp>

#include "core/file_util.h"
#include "fakes/fake_world.h"
#include "fakes/test_paths.h"
#include "imaging/jpeg.h"
#include "server/config.h"
#include "server/image_keys.h"
#include "store/encrypted_blob_store.h"

namespace tilsyn::server {
namespace {

namespace fs = std::filesystem;
constexpr TimeMs kNow = 1'780'000'000'000;

TEST(DatasetCli, AnExportIsAuditedAndWritesTheDecryptedImages) {
  ::tilsyn::testing::TempDir dir;
  const std::string data = dir.Sub("data");
  ASSERT_TRUE(MakeDirs(data).ok());
  const Json cfg = {{"data_dir", data}, {"image_key", std::string(64, 'a')}};
  ASSERT_TRUE(WriteFileAtomic(dir.Sub("config.json"), cfg.dump()).ok());
  {
    auto config = ServerConfig::FromJson(cfg);
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    auto store = store::OpenSqliteStore(data + "/tilsyn.db").value();
    auto blobs = store::NewEncryptedBlobStore(store::OpenDirBlobStore(data + "/images").value(),
                                              ResolveImageKeyring(*config).value());
    const tasks::Task task = ::tilsyn::testing::ActiveTask(kNow);
    ::tilsyn::testing::CreateTaskWithJob(store.get(), task);
    const auto vehicle = ::tilsyn::testing::MakeVehicle(store.get(), kNow);
    const auto obs = ::tilsyn::testing::InsertObservation(store.get(), task, vehicle.id, kNow);
    ASSERT_TRUE(blobs->Put(obs.blob_key, imaging::EncodeJpeg(cv::Mat(60, 80, CV_8UC3, cv::Scalar(9, 9, 9))).value()).ok());
    ASSERT_TRUE(store->annotations().ReplaceAnnotations(obs.id, {{obs.id, "bench", 1, 2, 30, 20, "ivan", kNow}}).ok());
  }
  DatasetExportFlags flags;
  flags.server.config_file = dir.Sub("config.json");
  flags.out = dir.Sub("existing");
  ASSERT_TRUE(MakeDirs(flags.out).ok());
  EXPECT_EQ(RunDatasetExport(flags), 2) << "an existing folder is refused";
  auto audit = [&] {
    store::AuditFilter f;
    f.action = "dataset.export";
    return store::OpenSqliteStore(data + "/tilsyn.db").value()->ListAudit(f).value();
  };
  EXPECT_TRUE(audit().empty()) << "a refused export is not recorded as one";

  flags.out = dir.Sub("set");
  ASSERT_EQ(RunDatasetExport(flags), 0);
  const auto events = audit();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].object_id, flags.out);
  int jpegs = 0;
  for (const auto& e : fs::recursive_directory_iterator(flags.out)) {
    if (e.path().extension() != ".jpg") continue;
    ++jpegs;
    EXPECT_TRUE(imaging::LooksLikeJpeg(ReadFile(e.path().string()).value())) << "decrypted";
  }
  EXPECT_EQ(jpegs, 1);
}

}  // namespace
}  // namespace tilsyn::server
