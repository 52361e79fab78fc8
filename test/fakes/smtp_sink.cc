#include "fakes/smtp_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace tilsyn::testing {
namespace {

std::string Base64Decode(const std::string& in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    const size_t p = kAlphabet.find(c);
    if (p == std::string::npos) break;
    val = (val << 6) + static_cast<int>(p);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

// Between '<' and '>' of "MAIL FROM:<a@b>".
std::string Address(const std::string& line) {
  const size_t a = line.find('<'), b = line.find('>');
  return a == std::string::npos || b == std::string::npos ? "" : line.substr(a + 1, b - a - 1);
}

}  // namespace

SmtpSink::SmtpSink() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(listen_fd_, 8);
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

SmtpSink::~SmtpSink() {
  stop_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  ::close(listen_fd_);
  if (thread_.joinable()) thread_.join();
}

void SmtpSink::ReplyToRecipient(const std::string& address, int code) {
  std::lock_guard<std::mutex> l(mu_);
  rcpt_codes_[address] = code;
}

void SmtpSink::ReplyToData(int code) {
  std::lock_guard<std::mutex> l(mu_);
  data_code_ = code;
}

void SmtpSink::DeferFirst(int n) {
  std::lock_guard<std::mutex> l(mu_);
  deferrals_left_ = n;
}

std::vector<SmtpSink::Message> SmtpSink::messages() {
  std::lock_guard<std::mutex> l(mu_);
  return messages_;
}

void SmtpSink::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    Session(fd);
    ::close(fd);
  }
}

void SmtpSink::Session(int fd) {
  std::string buf;
  auto send = [&](const std::string& s) { (void)!::write(fd, s.data(), s.size()); };
  // One CRLF-terminated line, or false when the peer went away (10 s without data).
  auto read_line = [&](std::string& line) {
    while (true) {
      const size_t eol = buf.find("\r\n");
      if (eol != std::string::npos) {
        line = buf.substr(0, eol);
        buf.erase(0, eol + 2);
        return true;
      }
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 10'000) <= 0) return false;
      char chunk[4096];
      const ssize_t n = ::read(fd, chunk, sizeof chunk);
      if (n <= 0) return false;
      buf.append(chunk, static_cast<size_t>(n));
    }
  };
  send("220 sink.test ESMTP ready\r\n");
  Message msg;
  std::string user, password;
  std::string line;
  while (read_line(line)) {
    std::string verb = line.substr(0, line.find(' '));
    for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (verb == "EHLO") {
      send("250-sink.test\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n");
    } else if (verb == "HELO") {
      send("250 sink.test\r\n");
    } else if (verb == "AUTH") {
      // "AUTH PLAIN <base64 of \0user\0password>" or "AUTH PLAIN" then the data on its own line.
      std::string b64 = line.size() > 11 ? line.substr(11) : "";
      if (b64.empty()) {
        send("334 \r\n");
        if (!read_line(b64)) return;
      }
      const std::string plain = Base64Decode(b64);
      const size_t a = plain.find('\0'), b = plain.find('\0', a + 1);
      if (a != std::string::npos && b != std::string::npos) {
        user = plain.substr(a + 1, b - a - 1);
        password = plain.substr(b + 1);
      }
      send("235 2.7.0 authenticated\r\n");
    } else if (verb == "MAIL") {
      msg = Message{};
      msg.from = Address(line);
      send("250 2.1.0 ok\r\n");
    } else if (verb == "RCPT") {
      const std::string to = Address(line);
      int code = 250;
      {
        std::lock_guard<std::mutex> l(mu_);
        if (auto it = rcpt_codes_.find(to); it != rcpt_codes_.end()) code = it->second;
      }
      if (code == 250) msg.recipients.push_back(to);
      send(std::to_string(code) + (code == 250 ? " 2.1.5 ok\r\n" : " recipient not accepted\r\n"));
    } else if (verb == "DATA") {
      send("354 end with <CRLF>.<CRLF>\r\n");
      std::string data;
      while (read_line(line) && line != ".") {
        if (!line.empty() && line[0] == '.') line.erase(0, 1);  // dot-unstuffing
        data += line + "\r\n";
      }
      msg.data = data;
      msg.auth_user = user;
      msg.auth_password = password;
      int code;
      {
        std::lock_guard<std::mutex> l(mu_);
        code = deferrals_left_ > 0 ? 451 : data_code_;
        if (deferrals_left_ > 0) --deferrals_left_;
        if (code == 250) messages_.push_back(msg);
      }
      send(std::to_string(code) + (code == 250 ? " 2.0.0 queued\r\n" : " not now\r\n"));
    } else if (verb == "RSET" || verb == "NOOP") {
      send("250 ok\r\n");
    } else if (verb == "QUIT") {
      send("221 bye\r\n");
      return;
    } else {
      send("502 not implemented\r\n");
    }
  }
}

}  // namespace tilsyn::testing
