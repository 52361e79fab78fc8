// The privacy subcommands of `tilsyn` (docs/privacy.md): `audit verify`, `processing-record` and
// `admin rotate-key`. Each opens the data directory directly (the server may be running: SQLite
// WAL allows it) and returns the process exit code. Also the JSON of the processing record,
// shared with GET /api/v1/processing-record.
#pragma once

#include <vector>

#include "core/json_util.h"
#include "server/cli.h"
#include "store/privacy_records.h"

namespace tilsyn::server {

// {"purposes": [{purpose, tasks, observations, anonymized: {vehicle, server}, images: {kept,
// deleted}, retention: {mean_days, max_days}, services, refusals}]}
Json ProcessingRecordToJson(const std::vector<store::PurposeRecord>& record);

// `tilsyn audit verify`: 0 when the chain is intact, 1 when broken (printing the first bad seq
// and why), 2 on usage errors.
int RunAuditVerify(const ServeFlags& flags, bool json);
// `tilsyn processing-record`: a table per purpose, or the JSON above with `json`.
int RunProcessingRecord(const ServeFlags& flags, bool json);
// `tilsyn admin rotate-key`: re-encrypts every stored image to the current key of the configured
// keyring (and encrypts images stored before encryption); audited as key.rotate. 1 when any
// image could not be rotated.
int RunAdminRotateKey(const ServeFlags& flags);

}  // namespace tilsyn::server
