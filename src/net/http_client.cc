#include "net/http_client.h"

#include <curl/curl.h>

#include <mutex>

namespace tilsyn::net {
namespace {

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Collects headers of the last response (a redirect or 100 Continue starts a new block).
size_t WriteHeader(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = Trim(line.substr(0, colon));
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    (*headers)[name] = Trim(line.substr(colon + 1));
  }
  return size * n;
}

struct CurlHandle {
  CURL* h = curl_easy_init();
  curl_slist* headers = nullptr;
  ~CurlHandle() {
    if (headers) curl_slist_free_all(headers);
    if (h) curl_easy_cleanup(h);
  }
};

}  // namespace

void InitHttpClient() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<ClientResponse> Fetch(const ClientRequest& req) {
  InitHttpClient();
  CurlHandle c;
  if (!c.h) return Status::Internal("curl_easy_init failed");
  ClientResponse out;

  curl_easy_setopt(c.h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c.h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c.h, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout_ms));
  curl_easy_setopt(c.h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(req.timeout_ms, 10'000)));
  curl_easy_setopt(c.h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c.h, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(c.h, CURLOPT_WRITEDATA, &out.body);
  curl_easy_setopt(c.h, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(c.h, CURLOPT_HEADERDATA, &out.headers);

  if (req.method == "GET") {
    curl_easy_setopt(c.h, CURLOPT_HTTPGET, 1L);
  } else if (req.method == "HEAD") {
    curl_easy_setopt(c.h, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(c.h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
    curl_easy_setopt(c.h, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(c.h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  }

  if (!req.ca_file.empty()) curl_easy_setopt(c.h, CURLOPT_CAINFO, req.ca_file.c_str());
  if (!req.client_cert_file.empty()) {
    curl_easy_setopt(c.h, CURLOPT_SSLCERT, req.client_cert_file.c_str());
    curl_easy_setopt(c.h, CURLOPT_SSLKEY, req.client_key_file.c_str());
  }
  if (!req.pinned_public_key.empty()) {
    curl_easy_setopt(c.h, CURLOPT_PINNEDPUBLICKEY, req.pinned_public_key.c_str());
  }
  for (const auto& [name, value] : req.headers) {
    std::string line = name + ": " + value;
    c.headers = curl_slist_append(c.headers, line.c_str());
  }
  // No "Expect: 100-continue" round trip (it costs a second per upload on some servers).
  c.headers = curl_slist_append(c.headers, "Expect:");
  curl_easy_setopt(c.h, CURLOPT_HTTPHEADER, c.headers);

  CURLcode rc = curl_easy_perform(c.h);
  if (rc != CURLE_OK) {
    std::string msg = std::string(curl_easy_strerror(rc)) + " (" + req.method + " " + req.url + ")";
    switch (rc) {
      case CURLE_OPERATION_TIMEDOUT:
        return Status::DeadlineExceeded(msg);
      case CURLE_URL_MALFORMAT:
      case CURLE_UNSUPPORTED_PROTOCOL:
        return Status::InvalidArgument(msg, "url");
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return Status::FailedPrecondition(msg, "tls");
      default:
        return Status::Unavailable(msg);
    }
  }
  long status = 0;
  curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &status);
  out.status = static_cast<int>(status);
  return out;
}

}  // namespace tilsyn::net
