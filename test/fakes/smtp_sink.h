// SmtpSink: an SMTP server for tests on 127.0.0.1 (a free port) that records every message
// (envelope, data, the AUTH PLAIN credentials) and answers with scripted reply codes — a
// recipient refused (550) or deferred (451), the DATA reply — so the e-mail action can be tested
// end to end against a real protocol exchange. One connection at a time; thread-safe accessors.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tilsyn::testing {

class SmtpSink {
 public:
  struct Message {
    std::string from;
    std::vector<std::string> recipients;
    std::string data;  // as received, dot-unstuffed, without the final "."
    std::string auth_user, auth_password;
  };

  SmtpSink();  // listens at once
  ~SmtpSink();
  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // The reply to RCPT TO for `address` (default 250).
  void ReplyToRecipient(const std::string& address, int code);
  // The reply after the message data (default 250).
  void ReplyToData(int code);
  // The next `n` messages are deferred (451 after their data), whatever ReplyToData says.
  void DeferFirst(int n);
  std::vector<Message> messages();

 private:
  void Serve();
  void Session(int fd);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::map<std::string, int> rcpt_codes_;
  int data_code_ = 250;
  int deferrals_left_ = 0;
  std::vector<Message> messages_;
  std::thread thread_;
};

}  // namespace tilsyn::testing
