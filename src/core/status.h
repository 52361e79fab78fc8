// Status: the outcome of an operation that can fail for an expected reason (bad input, I/O,
// database, network, backend). Cheap to copy; ok() is the success value. A status carries the
// name of the offending input field, when there is one, so the HTTP layer can report it, and a
// retryable bit that drives upload backoff and recognizer fallback. Thread-compatible.
#pragma once

#include <string>
#include <string_view>

namespace tilsyn {

enum class Code {
  kOk = 0,
  kInvalidArgument,     // bad input; `field` names it
  kNotFound,            // unknown id
  kAlreadyExists,       // duplicate key
  kUnauthenticated,     // missing or wrong credentials
  kPermissionDenied,    // authenticated but not allowed
  kFailedPrecondition,  // valid input, wrong state (e.g. task not active)
  kPayloadTooLarge,     // body over the configured limit
  kUnsupportedMedia,    // wrong content type or image bytes
  kUnavailable,         // transient: network, busy database, remote 5xx
  kDeadlineExceeded,    // a timeout
  kIoError,             // local file system
  kInternal,            // a bug or corrupt state
  kStorageFull,         // transient: the disk or the database is full (or below its reserve)
  kResourceExhausted,   // transient: a rate or concurrency limit; try again later
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg, std::string field = "") {
    return Status(Code::kInvalidArgument, std::move(msg), std::move(field));
  }
  static Status NotFound(std::string msg, std::string field = "") {
    return Status(Code::kNotFound, std::move(msg), std::move(field));
  }
  static Status AlreadyExists(std::string msg) { return Status(Code::kAlreadyExists, std::move(msg)); }
  static Status Unauthenticated(std::string msg) {
    return Status(Code::kUnauthenticated, std::move(msg));
  }
  static Status PermissionDenied(std::string msg) {
    return Status(Code::kPermissionDenied, std::move(msg));
  }
  static Status FailedPrecondition(std::string msg, std::string field = "") {
    return Status(Code::kFailedPrecondition, std::move(msg), std::move(field));
  }
  static Status PayloadTooLarge(std::string msg) {
    return Status(Code::kPayloadTooLarge, std::move(msg));
  }
  static Status UnsupportedMedia(std::string msg, std::string field = "") {
    return Status(Code::kUnsupportedMedia, std::move(msg), std::move(field));
  }
  static Status Unavailable(std::string msg) {
    return Status(Code::kUnavailable, std::move(msg), "", /*retryable=*/true);
  }
  static Status DeadlineExceeded(std::string msg) {
    return Status(Code::kDeadlineExceeded, std::move(msg), "", /*retryable=*/true);
  }
  static Status IoError(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  static Status StorageFull(std::string msg) {
    return Status(Code::kStorageFull, std::move(msg), "", /*retryable=*/true);
  }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }
  static Status ResourceExhausted(std::string msg) {
    return Status(Code::kResourceExhausted, std::move(msg), "", /*retryable=*/true);
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }
  bool retryable() const { return retryable_; }

  // Returns a copy with the field set (used when a helper validates a nested value).
  Status WithField(std::string field) const {
    Status s = *this;
    s.field_ = std::move(field);
    return s;
  }
  // Returns a copy with `prefix: ` put before the message.
  Status Annotate(std::string_view prefix) const;
  // "INVALID_ARGUMENT: message (field)" for logs.
  std::string ToString() const;

 private:
  Status(Code code, std::string msg, std::string field = "", bool retryable = false)
      : code_(code), message_(std::move(msg)), field_(std::move(field)), retryable_(retryable) {}

  Code code_ = Code::kOk;
  std::string message_;
  std::string field_;
  bool retryable_ = false;
};

// Stable snake_case name of a code, used as the `code` of JSON error bodies.
std::string_view CodeName(Code code);

}  // namespace tilsyn

#define TILSYN_CONCAT_INNER(a, b) a##b
#define TILSYN_CONCAT(a, b) TILSYN_CONCAT_INNER(a, b)

// Returns the status from the enclosing function when `expr` is not ok.
#define TILSYN_RETURN_IF_ERROR(expr)               \
  do {                                             \
    ::tilsyn::Status _st = (expr);                 \
    if (!_st.ok()) return _st;                     \
  } while (0)

// `lhs = value of result-expression`, or return its status from the enclosing function.
#define TILSYN_ASSIGN_OR_RETURN(lhs, rexpr) \
  TILSYN_ASSIGN_OR_RETURN_IMPL(TILSYN_CONCAT(_res_, __LINE__), lhs, rexpr)
#define TILSYN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                 \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
