#include "imaging/anonymize_command.h"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "core/file_util.h"
#include "imaging/jpeg.h"

namespace tilsyn::imaging {
namespace fs = std::filesystem;
namespace {

bool IsImage(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp";
}

Status AnonymizeFile(Anonymizer& anon, const std::string& in, const std::string& out,
                     int quality, Json& line) {
  TILSYN_ASSIGN_OR_RETURN(std::string bytes, ReadFile(in));
  TILSYN_ASSIGN_OR_RETURN(cv::Mat img, DecodeImage(bytes));
  TILSYN_ASSIGN_OR_RETURN(AnonymizationReport report, anon.Anonymize(img));
  TILSYN_ASSIGN_OR_RETURN(std::string jpeg, EncodeJpeg(img, quality));
  const fs::path parent = fs::path(out).parent_path();
  if (!parent.empty()) TILSYN_RETURN_IF_ERROR(MakeDirs(parent.string()));
  TILSYN_RETURN_IF_ERROR(WriteFileAtomic(out, jpeg));
  line = report.ToJson();
  line["image"] = in;
  line["output"] = out;
  return Status::Ok();
}

}  // namespace

int RunAnonymize(const AnonymizeFlags& f) {
  std::error_code ec;
  if (!fs::exists(f.in, ec)) {
    std::cerr << "anonymize: " << f.in << " does not exist\n";
    return 2;
  }
  auto anon = NewAnonymizer(f.options);
  if (!anon.ok()) {
    std::cerr << "anonymize: " << anon.status().ToString() << "\n";
    return 2;
  }
  std::vector<std::pair<std::string, std::string>> jobs;  // in -> out
  const bool folder = fs::is_directory(f.in, ec);
  if (folder) {
    for (const auto& e : fs::recursive_directory_iterator(f.in, ec)) {
      if (!e.is_regular_file() || !IsImage(e.path())) continue;
      fs::path rel = fs::relative(e.path(), f.in, ec);
      rel.replace_extension(".jpg");
      jobs.emplace_back(e.path().string(), (fs::path(f.out) / rel).string());
    }
    std::sort(jobs.begin(), jobs.end());
  } else {
    jobs.emplace_back(f.in, f.out);
  }
  int failed = 0;
  std::map<std::string, int> totals;
  double total_ms = 0;
  for (size_t i = 0; i < jobs.size(); ++i) {
    Json line;
    const Status st = AnonymizeFile(**anon, jobs[i].first, jobs[i].second, f.quality, line);
    if (!st.ok()) {
      ++failed;
      std::cerr << "anonymize: " << jobs[i].first << ": " << st.ToString() << "\n";
      continue;
    }
    for (auto& [cls, n] : line["counts"].items()) totals[cls] += n.get<int>();
    total_ms += line["ms"].get<double>();
    std::cout << line.dump() << "\n";
    if (folder) {
      std::cerr << "[" << (i + 1) << "/" << jobs.size() << "] " << jobs[i].first << " ("
                << static_cast<int>(line["ms"].get<double>()) << " ms)\n";
    }
  }
  if (folder) {
    Json summary = {{"images", jobs.size()}, {"failed", failed}, {"counts", totals},
                    {"ms", total_ms}};
    std::cerr << "summary: " << summary.dump() << "\n";
  }
  return failed ? 1 : 0;
}

}  // namespace tilsyn::imaging
