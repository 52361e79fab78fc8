// "ocr": Tesseract 5 (libtesseract, LSTM engine) with Danish and English data (tesseract-ocr-dan,
// tesseract-ocr-eng), for sign and text tasks. Each recognised text line is one detection with
// label "text", the line's box and the UTF-8 string in Detection::text. Local, network-free.
//
// Score calibration: Tesseract's line confidence (0..100, mean of its word confidences) / 100.
// On printed signs and rendered text clean lines score 0.85–0.96; scene clutter read as text
// scores below 0.5 and lines under min_score (default 0.3) are dropped.
// Reading is imaging::TextReader (imaging/text/text_reader.h), shared with the anonymizer's
// protected evidence. Preprocessing: grayscale; images whose shorter side is under min_side are
// scaled up (Tesseract wants text at least ~20 px tall). Thread-safe (the reader's mutex).
#pragma once

#include <memory>

#include "core/json_util.h"
#include "recognition/recognizer.h"

namespace tilsyn::recognition {

// Settings (all optional): "languages": "dan+eng", "tessdata": folder (default: Tesseract's own
// search path, /usr/share/tesseract-ocr/5/tessdata on Debian), "psm": page segmentation mode
// (default 11 = sparse text, suits signs in street scenes; 3 = a page), "min_score": 0.3,
// "min_side": 600, "timeout_ms": 10000. FailedPrecondition when the language data is missing.
Result<std::unique_ptr<Recognizer>> NewOcrRecognizer(const std::string& name, const Json& settings);

}  // namespace tilsyn::recognition
