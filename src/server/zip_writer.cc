#include "server/zip_writer.h"

#include <zip.h>

#include <memory>

namespace tilsyn::server {
namespace {

struct SourceFree {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};
using SourcePtr = std::unique_ptr<zip_source_t, SourceFree>;

std::string ErrorText(zip_error_t* e) {
  std::string s = zip_error_strerror(e);
  zip_error_fini(e);
  return s;
}

}  // namespace

Result<std::string> WriteZip(const std::vector<ZipEntry>& entries) {
  zip_error_t err;
  zip_error_init(&err);
  SourcePtr out(zip_source_buffer_create(nullptr, 0, 0, &err));
  if (!out) return Status::Internal("zip: " + ErrorText(&err));
  zip_source_keep(out.get());  // the archive frees its reference on close; the bytes stay here
  zip_t* za = zip_open_from_source(out.get(), ZIP_TRUNCATE, &err);
  if (za == nullptr) {
    zip_source_free(out.get());  // the reference zip_open_from_source did not take
    return Status::Internal("zip: " + ErrorText(&err));
  }
  for (const ZipEntry& e : entries) {
    // The entries' bytes live in `entries` until zip_close has written them.
    zip_source_t* src = zip_source_buffer(za, e.data.data(), e.data.size(), 0);
    if (src == nullptr || zip_file_add(za, e.name.c_str(), src, ZIP_FL_ENC_UTF_8) < 0) {
      if (src != nullptr) zip_source_free(src);
      const std::string why = zip_strerror(za);
      zip_discard(za);
      return Status::Internal("zip: cannot add " + e.name + ": " + why);
    }
  }
  if (zip_close(za) < 0) {
    const std::string why = zip_strerror(za);
    zip_discard(za);
    return Status::Internal("zip: " + why);
  }
  if (zip_source_open(out.get()) < 0) return Status::Internal("zip: cannot read the archive");
  zip_source_seek(out.get(), 0, SEEK_END);
  const zip_int64_t size = zip_source_tell(out.get());
  zip_source_seek(out.get(), 0, SEEK_SET);
  std::string bytes(static_cast<size_t>(size < 0 ? 0 : size), '\0');
  const zip_int64_t got = zip_source_read(out.get(), bytes.data(), bytes.size());
  zip_source_close(out.get());
  if (size < 0 || got != size) return Status::Internal("zip: cannot read the archive");
  return bytes;
}

Result<std::vector<ZipEntry>> ReadZip(const std::string& bytes) {
  // libzip reads no bytes at all as an empty archive; nothing is not a package.
  if (bytes.empty()) return Status::InvalidArgument("no bytes", "zip");
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
  if (src == nullptr) return Status::Internal("zip: " + ErrorText(&err));
  zip_t* za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
  if (za == nullptr) {
    zip_source_free(src);
    return Status::InvalidArgument("not a zip archive: " + ErrorText(&err), "zip");
  }
  std::vector<ZipEntry> out;
  const zip_int64_t n = zip_get_num_entries(za, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_file_t* f = nullptr;
    if (zip_stat_index(za, i, 0, &st) == 0) f = zip_fopen_index(za, i, 0);
    if (f == nullptr) {
      zip_discard(za);
      return Status::InvalidArgument("a damaged entry", "zip");
    }
    ZipEntry e{st.name, std::string(static_cast<size_t>(st.size), '\0')};
    const zip_int64_t got = zip_fread(f, e.data.data(), e.data.size());
    zip_fclose(f);
    if (got != static_cast<zip_int64_t>(st.size)) {
      zip_discard(za);
      return Status::InvalidArgument("a damaged entry: " + e.name, "zip");
    }
    out.push_back(std::move(e));
  }
  zip_discard(za);
  return out;
}

}  // namespace tilsyn::server
