#include "net/smtp_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>

#include "net/http_client.h"

namespace tilsyn::net {
namespace {

struct Reader {
  const std::string* data;
  size_t pos = 0;
};

size_t ReadChunk(char* buf, size_t size, size_t n, void* user) {
  auto* r = static_cast<Reader*>(user);
  const size_t len = std::min(size * n, r->data->size() - r->pos);
  std::memcpy(buf, r->data->data() + r->pos, len);
  r->pos += len;
  return len;
}

bool TransientCurl(CURLcode c) {
  switch (c) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<SmtpResult> SendMail(const SmtpRequest& req) {
  if (req.url.rfind("smtp://", 0) != 0 && req.url.rfind("smtps://", 0) != 0) {
    return Status::InvalidArgument("the SMTP URL must start with smtp:// or smtps://", "smtp.url");
  }
  if (req.recipients.empty()) return Status::InvalidArgument("no recipients", "to");
  InitHttpClient();
  CURL* h = curl_easy_init();
  if (h == nullptr) return Status::Internal("curl_easy_init failed");
  struct curl_slist* rcpt = nullptr;
  for (const std::string& to : req.recipients) rcpt = curl_slist_append(rcpt, ("<" + to + ">").c_str());
  Reader reader{&req.message};
  const std::string from = "<" + req.from + ">";
  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout_ms));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(req.timeout_ms, 10'000)));
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, ReadChunk);
  curl_easy_setopt(h, CURLOPT_READDATA, &reader);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  if (req.url.rfind("smtps://", 0) != 0) {
    curl_easy_setopt(h, CURLOPT_USE_SSL, req.tls == "starttls" ? static_cast<long>(CURLUSESSL_ALL)
                                         : req.tls == "try"    ? static_cast<long>(CURLUSESSL_TRY)
                                                               : static_cast<long>(CURLUSESSL_NONE));
  }
  if (!req.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, req.ca_file.c_str());
  if (!req.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, req.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, req.password.c_str());
  }
  const CURLcode rc = curl_easy_perform(h);
  SmtpResult out;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out.code);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(h);
  if (rc == CURLE_OK) return out;
  const std::string what = std::string(curl_easy_strerror(rc)) +
                           (out.code > 0 ? " (SMTP " + std::to_string(out.code) + ")" : "");
  if ((out.code >= 400 && out.code < 500) || (out.code == 0 && TransientCurl(rc))) {
    return Status::Unavailable("mail not sent: " + what);
  }
  return Status::FailedPrecondition("mail refused: " + what, "smtp");
}

}  // namespace tilsyn::net
