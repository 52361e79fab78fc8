#include "coverage/history/columnar_codec.h"

#include <zlib.h>

#include <cmath>
#include <cstring>

namespace tilsyn::coverage {
namespace {

constexpr char kMagic[4] = {'T', 'L', 'H', '1'};
// Refuse absurd sizes from corrupt headers (a day at 100 Hz is 8.64 M fixes ≈ 260 MB raw).
constexpr uint64_t kMaxRaw = uint64_t{1} << 30;

int64_t E7(double deg) { return std::llround(deg * 1e7); }

}  // namespace

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view in, size_t* pos, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= in.size()) return false;
    uint8_t b = static_cast<uint8_t>(in[(*pos)++]);
    r |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *v = r;
      return true;
    }
  }
  return false;
}

std::string EncodeFixes(std::span<const HistoryFix> fixes) {
  std::string raw;
  raw.reserve(fixes.size() * 6 + 8);
  PutVarint(fixes.size(), &raw);
  int64_t prev = 0;
  for (const auto& f : fixes) {
    PutVarint(ZigZag(f.time - prev), &raw);
    prev = f.time;
  }
  prev = 0;
  for (const auto& f : fixes) {
    int64_t v = E7(f.pos.lat);
    PutVarint(ZigZag(v - prev), &raw);
    prev = v;
  }
  prev = 0;
  for (const auto& f : fixes) {
    int64_t v = E7(f.pos.lon);
    PutVarint(ZigZag(v - prev), &raw);
    prev = v;
  }
  uLongf cap = compressBound(raw.size());
  std::string out(kMagic, 4);
  PutVarint(raw.size(), &out);
  size_t head = out.size();
  out.resize(head + cap);
  compress2(reinterpret_cast<Bytef*>(out.data() + head), &cap,
            reinterpret_cast<const Bytef*>(raw.data()), raw.size(), 6);
  out.resize(head + cap);
  return out;
}

Status DecodeFixes(std::string_view data, std::vector<HistoryFix>* out) {
  out->clear();
  if (data.size() < 5 || std::memcmp(data.data(), kMagic, 4) != 0) {
    return Status::InvalidArgument("not a history day file (bad magic)");
  }
  size_t pos = 4;
  uint64_t raw_len = 0;
  if (!GetVarint(data, &pos, &raw_len) || raw_len > kMaxRaw) {
    return Status::InvalidArgument("history day file: bad length");
  }
  std::string raw(raw_len, '\0');
  uLongf got = raw_len;
  if (uncompress(reinterpret_cast<Bytef*>(raw.data()), &got,
                 reinterpret_cast<const Bytef*>(data.data() + pos), data.size() - pos) != Z_OK ||
      got != raw_len) {
    return Status::InvalidArgument("history day file: corrupt compressed data");
  }
  size_t p = 0;
  uint64_t n = 0;
  if (!GetVarint(raw, &p, &n) || n > raw_len) {
    return Status::InvalidArgument("history day file: bad count");
  }
  out->resize(n);
  uint64_t v = 0;
  int64_t acc = 0;
  for (auto& f : *out) {
    if (!GetVarint(raw, &p, &v)) return Status::InvalidArgument("history day file: truncated time");
    acc += UnZigZag(v);
    f.time = acc;
  }
  acc = 0;
  for (auto& f : *out) {
    if (!GetVarint(raw, &p, &v)) return Status::InvalidArgument("history day file: truncated lat");
    acc += UnZigZag(v);
    f.pos.lat = acc * 1e-7;
  }
  acc = 0;
  for (auto& f : *out) {
    if (!GetVarint(raw, &p, &v)) return Status::InvalidArgument("history day file: truncated lon");
    acc += UnZigZag(v);
    f.pos.lon = acc * 1e-7;
  }
  if (p != raw.size()) return Status::InvalidArgument("history day file: trailing bytes");
  return Status::Ok();
}

}  // namespace tilsyn::coverage
