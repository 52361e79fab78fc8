// Fuzzy text matching for sign-text rules: UTF-8 aware normalisation (case folding including
// Danish Æ/Ø/Å, punctuation removed, whitespace collapsed) and normalised Levenshtein similarity
// 1 - distance / max(length) over code points. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace tilsyn::tasks {

// Lower-cased code points with punctuation dropped and runs of whitespace as one space.
std::u32string NormalizeText(const std::string& utf8);

// 1 for equal strings (after normalisation), 0 for entirely different ones; 1 when both are empty.
double TextSimilarity(const std::string& a, const std::string& b);

// The best similarity of `expected` against the recognised lines: each line, all lines joined
// in order, and every window of the joined words with as many words as `expected` (a sign
// "PARKERING FORBUDT 8-18" matches "Parkering forbudt" fully).
double BestTextMatch(const std::string& expected, const std::vector<std::string>& lines);

// Reading order of two text lines (left x, top y, height h): top to bottom, then left to right
// within a band of half the smaller height.
struct LineBox {
  int x = 0, y = 0, h = 0;
};
bool ReadsBefore(const LineBox& a, const LineBox& b);

}  // namespace tilsyn::tasks
