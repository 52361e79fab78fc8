// The processing record's facts (GDPR Art. 30) that Tilsyn cannot know by itself — who the
// controller is, the legal basis of each purpose, recipients and processors with their data
// terms, transfers — stated by the DPO and kept in versions (store::AuditStore), beside the
// figures the system computes (store::PurposeRecord). docs/privacy.md.
//
//   {"controller", "controller_contact", "dpo_contact", "transfers", "security_measures",
//    "purposes": {"<task kind>": {"legal_basis", "data_subjects", "data_categories",
//                                 "recipients", "processors"}}}
//
// Every value is text (at most 4,000 characters); a missing one is "not stated".
#pragma once

#include "core/json_util.h"
#include "core/result.h"

namespace tilsyn::server {

// The facts as sent: an object of known keys with text values. InvalidArgument naming the field
// (e.g. "purposes.presence.legal_basis") otherwise; purposes are task kinds.
Result<Json> ValidateRecordFacts(const Json& facts);

// What Tilsyn's design states by itself (security measures, categories of data and data subjects
// for every purpose), under what the DPO stated (`stated`, validated; null = nothing yet).
Json RecordFactsWithDefaults(const Json& stated);
// The paths ("security_measures", "purposes.count.data_subjects", …) whose value in
// RecordFactsWithDefaults(stated) is the design's default text, not stated: a client shows its
// own wording of those in the reader's language.
Json DefaultedFactPaths(const Json& stated);

}  // namespace tilsyn::server
