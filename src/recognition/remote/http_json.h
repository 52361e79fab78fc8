// "http-json": a recognition service behind any HTTP endpoint that takes an image and answers
// JSON, mapped entirely by configuration (a vendor API, the city's own model server).
//
// PRIVACY CONTRACT: the image this adapter sends is exactly the cv::Mat given to Recognize(),
// re-encoded as JPEG. The pipeline only ever holds anonymized images (ingest anonymizes before
// storing; see pipeline/ingest.h), so only anonymized pixels leave the machine — and only for
// tasks whose data class allows this service's terms (default "external"), which the router
// and the fallback walk check before calling (TermsAllow). Nothing else about the task or the
// observation (position, time, vehicle) is sent.
//
// Settings (errors name the field):
//   url (required), labels (required), label_map, headers, auth_header + auth_value |
//   auth_value_env, timeout_ms (10000), jpeg_quality (90),
//   request: "multipart" (default; the JPEG in part `image_field`, default "image") or
//            "base64-json" (a JSON body; the base64 JPEG at JSON pointer `image_field`, default
//            "/image"); `fields`: an object of extra form fields / JSON members sent as given;
//   response: detections_pointer ("/detections": an array), and per element label_pointer
//            ("/label"), score_pointer ("/score"), box_pointer ("/box"), box_format ("xywh",
//            "xyxy", "object" or "xyxy-normalized").
// Answers: non-2xx → Unavailable; a body that is not JSON or lacks the mapped fields →
// Internal("garbage answer …") — both count as failures for fallback and the circuit breaker.
// Detections whose (mapped) label is not in `labels` are dropped. Thread-safe (no state).
#pragma once

#include <memory>
#include <string>

#include "core/json_util.h"
#include "recognition/recognizer.h"

namespace tilsyn::recognition {

Result<std::unique_ptr<Recognizer>> NewHttpJsonRecognizer(const std::string& name,
                                                          const Json& settings);

}  // namespace tilsyn::recognition
