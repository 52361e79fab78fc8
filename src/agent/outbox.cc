#include "agent/outbox.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/file_util.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/time_format.h"

namespace tilsyn::agent {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kExt = ".obs";
constexpr std::string_view kMagic = "TLSYNOBX";
constexpr char kVersion = 1;

bool IsTempLeftover(const std::string& name) { return name.find(".tmp-") != std::string::npos; }

int CleanTemps(const std::string& dir) {
  int n = 0;
  std::error_code ec;
  for (const auto& de : fs::directory_iterator(dir, ec)) {
    std::string name = de.path().filename().string();
    if (IsTempLeftover(name) && de.is_regular_file(ec)) {
      if (RemoveFile(de.path().string()).ok()) ++n;
    }
  }
  return n;
}

}  // namespace

Result<std::unique_ptr<Outbox>> Outbox::Open(const std::string& data_dir, std::string key) {
  if (key.size() != 32)
    return Status::InvalidArgument("the outbox key must be 32 bytes", "outbox_key");
  std::string out = (fs::path(data_dir) / "outbox").string();
  std::string rej = (fs::path(data_dir) / "rejected").string();
  TILSYN_RETURN_IF_ERROR(MakeDirs(out));
  TILSYN_RETURN_IF_ERROR(MakeDirs(rej));
  std::unique_ptr<Outbox> box(new Outbox(out, rej, std::move(key)));
  box->cleaned_on_open_ = CleanTemps(out) + CleanTemps(rej);
  if (box->cleaned_on_open_ > 0) {
    LogInfo("agent.outbox_cleaned", {{"temp_files", box->cleaned_on_open_}});
  }
  return box;
}

std::string Outbox::PathFor(const std::string& id) const {
  return (fs::path(outbox_dir_) / (id + std::string(kExt))).string();
}

std::string Outbox::Encode(std::string_view metadata_json, std::string_view jpeg) {
  std::string out;
  out.reserve(8 + metadata_json.size() + jpeg.size());
  uint64_t n = metadata_json.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out.append(metadata_json);
  out.append(jpeg);
  return out;
}

Result<OutboxEntry> Outbox::Decode(const std::string& id, std::string_view bytes) {
  if (bytes.size() < 8) return Status::Internal("outbox file " + id + " is truncated");
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
  if (n > bytes.size() - 8) return Status::Internal("outbox file " + id + " has a bad length");
  OutboxEntry e;
  e.id = id;
  e.metadata = std::string(bytes.substr(8, n));
  e.jpeg = std::string(bytes.substr(8 + n));
  return e;
}

Result<std::string> Outbox::Seal(const std::string& id, std::string_view metadata_json,
                                 std::string_view jpeg) const {
  const std::string nonce = RandomBytes(kGcmNonceBytes);
  std::string header(kMagic);
  header.push_back(kVersion);
  header += nonce;
  TILSYN_ASSIGN_OR_RETURN(std::string sealed,
                          AesGcmEncrypt(key_, nonce, header + id, Encode(metadata_json, jpeg)));
  return header + sealed;
}

Result<OutboxEntry> Outbox::Unseal(const std::string& id, std::string_view bytes) const {
  if (bytes.substr(0, kMagic.size()) != kMagic) return Decode(id, bytes);  // earlier format
  const size_t head = kMagic.size() + 1 + kGcmNonceBytes;
  if (bytes.size() < head + kGcmTagBytes || bytes[kMagic.size()] != kVersion) {
    return Status::Internal("outbox file " + id + " is truncated or of an unknown version");
  }
  const std::string_view header = bytes.substr(0, head);
  Result<std::string> plain = AesGcmDecrypt(key_, bytes.substr(kMagic.size() + 1, kGcmNonceBytes),
                                            std::string(header) + id, bytes.substr(head));
  if (!plain.ok()) {
    return Status::Internal("outbox file " + id + " was altered or sealed under another key");
  }
  return Decode(id, *plain);
}

Status Outbox::Put(const std::string& id, std::string_view metadata_json, std::string_view jpeg) {
  if (!IsUuid(id)) return Status::InvalidArgument("observation id is not a UUID", "id");
  TILSYN_ASSIGN_OR_RETURN(const std::string sealed, Seal(id, metadata_json, jpeg));
  std::lock_guard<std::mutex> lock(mu_);
  return WriteFileAtomic(PathFor(id), sealed);
}

Result<std::vector<std::string>> Outbox::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<fs::file_time_type, std::string>> found;
  std::error_code ec;
  fs::directory_iterator it(outbox_dir_, ec);
  if (ec) return Status::IoError("list " + outbox_dir_ + ": " + ec.message());
  for (const auto& de : it) {
    std::string name = de.path().filename().string();
    if (IsTempLeftover(name) || de.path().extension() != kExt) continue;
    std::error_code ec2;
    auto mtime = fs::last_write_time(de.path(), ec2);
    if (ec2) continue;  // removed meanwhile
    found.emplace_back(mtime, de.path().stem().string());
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> ids;
  ids.reserve(found.size());
  for (auto& [_, id] : found) ids.push_back(std::move(id));
  return ids;
}

size_t Outbox::Count() const {
  Result<std::vector<std::string>> ids = List();
  return ids.ok() ? ids->size() : 0;
}

Result<OutboxEntry> Outbox::Read(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  TILSYN_ASSIGN_OR_RETURN(std::string bytes, ReadFile(PathFor(id)));
  return Unseal(id, bytes);
}

Status Outbox::Remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  return RemoveFile(PathFor(id));
}

Result<std::vector<Outbox::File>> Outbox::Files() const {
  std::vector<File> files;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::error_code ec;
    fs::directory_iterator it(outbox_dir_, ec);
    if (ec) return Status::IoError("list " + outbox_dir_ + ": " + ec.message());
    for (const auto& de : it) {
      const std::string name = de.path().filename().string();
      if (IsTempLeftover(name) || de.path().extension() != kExt) continue;
      std::error_code e1, e2;
      const auto mtime = fs::last_write_time(de.path(), e1);
      const auto size = fs::file_size(de.path(), e2);
      if (e1 || e2) continue;  // removed meanwhile (uploaded)
      files.push_back({mtime, de.path().stem().string(), static_cast<int64_t>(size)});
    }
  }
  std::sort(files.begin(), files.end(),
            [](const File& a, const File& b) { return a.mtime < b.mtime; });
  return files;
}

OutboxStats Outbox::Stats() const {
  OutboxStats out;
  Result<std::vector<File>> files = Files();
  if (!files.ok() || files->empty()) return out;
  out.depth = static_cast<int64_t>(files->size());
  const auto age = fs::file_time_type::clock::now() - files->front().mtime;
  out.oldest_age_s = std::max(0.0, std::chrono::duration<double>(age).count());
  return out;
}

Result<int> Outbox::EnforceLimits(const OutboxLimits& limits) {
  if (limits.max_bytes <= 0 && limits.max_age_s <= 0) return 0;
  TILSYN_ASSIGN_OR_RETURN(std::vector<File> files, Files());
  int64_t total = 0;
  for (const File& f : files) total += f.size;
  const auto now = fs::file_time_type::clock::now();
  int dropped = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    const File& f = files[i];
    const bool expired =
        limits.max_age_s > 0 && now - f.mtime > std::chrono::seconds(limits.max_age_s);
    const bool full = limits.max_bytes > 0 && total > limits.max_bytes && i + 1 < files.size();
    if (!expired && !full) break;  // oldest first: the rest are newer and fit
    Result<OutboxEntry> e = Read(f.id);
    if (!e.ok() && e.status().code() == Code::kNotFound) {  // uploaded meanwhile
      total -= f.size;
      continue;
    }
    const std::string code = expired ? "outbox_expired" : "outbox_full";
    Json error = {
        {"code", code},
        {"message",
         expired ? "waited longer than " + std::to_string(limits.max_age_s) + " s for upload"
                 : "the outbox holds more than " + std::to_string(limits.max_bytes) + " bytes"}};
    Status st = Reject(f.id, e.ok() ? std::string_view(e->metadata) : std::string_view(), error);
    if (!st.ok() && st.code() != Code::kNotFound) return st;
    total -= f.size;
    ++dropped;
    ++dropped_;
    LogWarn("agent.outbox_dropped", {{"id", f.id}, {"reason", code}, {"bytes", f.size}});
  }
  return dropped;
}

Status Outbox::Reject(const std::string& id, std::string_view metadata_json, const Json& error) {
  Json doc;
  doc["id"] = id;
  Result<Json> meta = ParseJson(metadata_json);
  if (meta.ok()) {
    doc["metadata"] = *meta;
  } else {
    doc["metadata"] = std::string(metadata_json);
  }
  doc["error"] = error;
  doc["rejected_at"] = FormatIso8601(SystemClock::Get()->NowMs());
  std::lock_guard<std::mutex> lock(mu_);
  // Write the record first: a crash in between leaves both, and the retry rejects again.
  TILSYN_RETURN_IF_ERROR(
      WriteFileAtomic((fs::path(rejected_dir_) / (id + ".json")).string(), doc.dump()));
  return RemoveFile(PathFor(id));
}

}  // namespace tilsyn::agent
