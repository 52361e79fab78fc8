#include "tasks/text_match.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace tilsyn::tasks {
namespace {

std::u32string DecodeUtf8(const std::string& s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    char32_t cp = 0xFFFD;
    size_t n = 1;
    if (c < 0x80) {
      cp = c;
    } else if ((c >> 5) == 0x6 && i + 1 < s.size()) {
      cp = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F);
      n = 2;
    } else if ((c >> 4) == 0xE && i + 2 < s.size()) {
      cp = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
      n = 3;
    } else if ((c >> 3) == 0x1E && i + 3 < s.size()) {
      cp = ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) |
           (s[i + 3] & 0x3F);
      n = 4;
    }
    out.push_back(cp);
    i += n;
  }
  return out;
}

char32_t Fold(char32_t c) {
  if (c >= U'A' && c <= U'Z') return c + 32;
  // Latin-1 upper case letters (À..Þ except ×) map to their lower case (+0x20): Æ Ø Å É Ü …
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;
  return c;
}

bool IsWordChar(char32_t c) {
  return (c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'z') || (c >= 0xDF && c <= 0xFF && c != 0xF7) ||
         c > 0xFF;
}

size_t Levenshtein(const std::u32string& a, const std::u32string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

double Similarity(const std::u32string& a, const std::u32string& b) {
  const size_t m = std::max(a.size(), b.size());
  if (m == 0) return 1.0;
  return 1.0 - static_cast<double>(Levenshtein(a, b)) / static_cast<double>(m);
}

std::vector<std::u32string> Words(const std::u32string& s) {
  std::vector<std::u32string> out;
  std::u32string w;
  for (char32_t c : s) {
    if (c == U' ') {
      if (!w.empty()) out.push_back(std::move(w));
      w.clear();
    } else {
      w.push_back(c);
    }
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

}  // namespace

std::u32string NormalizeText(const std::string& utf8) {
  std::u32string out;
  bool space = false;
  for (char32_t c : DecodeUtf8(utf8)) {
    c = Fold(c);
    if (IsWordChar(c)) {
      if (space && !out.empty()) out.push_back(U' ');
      space = false;
      out.push_back(c);
    } else {
      space = true;  // whitespace and punctuation both separate words
    }
  }
  return out;
}

double TextSimilarity(const std::string& a, const std::string& b) {
  return Similarity(NormalizeText(a), NormalizeText(b));
}

double BestTextMatch(const std::string& expected, const std::vector<std::string>& lines) {
  const std::u32string want = NormalizeText(expected);
  double best = 0;
  std::u32string joined;
  for (const std::string& l : lines) {
    const std::u32string n = NormalizeText(l);
    best = std::max(best, Similarity(want, n));
    if (!n.empty()) joined += (joined.empty() ? U"" : U" ") + n;
  }
  best = std::max(best, Similarity(want, joined));
  const std::vector<std::u32string> words = Words(joined);
  const size_t k = std::max<size_t>(1, Words(want).size());
  for (size_t i = 0; i + k <= words.size(); ++i) {
    std::u32string win;
    for (size_t j = i; j < i + k; ++j) win += (j == i ? U"" : U" ") + words[j];
    best = std::max(best, Similarity(want, win));
  }
  return lines.empty() ? 0.0 : best;
}

bool ReadsBefore(const LineBox& a, const LineBox& b) {
  const int band = std::max(1, std::min(a.h, b.h) / 2);
  if (std::abs(a.y - b.y) > band) return a.y < b.y;
  return a.x < b.x;
}

}  // namespace tilsyn::tasks
