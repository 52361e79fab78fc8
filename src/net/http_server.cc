// HttpServer on Boost.Beast. One acceptor thread (async_accept on its own io_context) and one
// thread per connection, each with its own io_context so every read and write can carry a
// timeout (beast::tcp_stream::expires_after) while the code stays sequential. Stop() closes the
// acceptor, cancels connections that are waiting for a request, lets in-flight requests finish
// and joins every thread. Beast headers stay in this file to keep compile times down.
#include "net/http_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <list>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>  // Boost 1.74 + GCC 12: must precede the asio headers.

#include "core/log.h"

namespace tilsyn::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;

constexpr auto kReadTimeout = std::chrono::seconds(30);
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr size_t kHeaderLimit = 64 * 1024;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Lowercases ASCII.
std::string Lower(boost::beast::string_view s) {
  std::string out(s.data(), s.size());
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

HttpRequest ToHttpRequest(const bhttp::request<bhttp::string_body>& req) {
  HttpRequest out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  size_t q = out.target.find('?');
  out.path = UrlDecode(out.target.substr(0, q), /*plus_is_space=*/false);
  if (q != std::string::npos) out.query = ParseQuery(out.target.substr(q + 1));
  for (const auto& field : req) {
    auto value = field.value();
    out.headers[Lower(field.name_string())] = std::string(value.data(), value.size());
  }
  out.body = req.body();
  return out;
}

// One accepted connection, served by its own thread.
struct Connection {
  std::unique_ptr<asio::io_context> ioc_owner;
  asio::io_context& ioc;
  beast::tcp_stream stream;
  std::thread thread;
  std::atomic<bool> done{false};
  bool reading = false;  // touched only on the connection's thread (incl. posted handlers)
  // When it began waiting for a request head (steady ms; 0 = not waiting): at the connection
  // limit the longest-waiting one gives way to a new client (slow-client protection).
  std::atomic<int64_t> waiting_since_ms{0};

  // `socket` must have been accepted on `*io`.
  Connection(std::unique_ptr<asio::io_context> io, tcp::socket socket)
      : ioc_owner(std::move(io)), ioc(*ioc_owner), stream(std::move(socket)) {}

  // Runs the io_context until the pending operation completes.
  void RunPending() {
    ioc.restart();
    ioc.run();
  }
};

class BeastHttpServer : public HttpServer {
 public:
  BeastHttpServer(HttpServerOptions options, Handler handler)
      : options_(std::move(options)), handler_(std::move(handler)), acceptor_(accept_ioc_) {}

  ~BeastHttpServer() override { Stop(); }

  Status LoadTls() {
    if (options_.tls_cert_file.empty() && options_.tls_key_file.empty()) return Status::Ok();
    if (options_.tls_cert_file.empty() || options_.tls_key_file.empty()) {
      return Status::InvalidArgument("TLS needs both a certificate and a key",
                                     options_.tls_cert_file.empty() ? "tls_cert" : "tls_key");
    }
    tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    ErrorCode ec;
    tls_->use_certificate_chain_file(options_.tls_cert_file, ec);
    if (ec)
      return Status::InvalidArgument("cannot read the TLS certificate: " + ec.message(),
                                     "tls_cert");
    tls_->use_private_key_file(options_.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) return Status::InvalidArgument("cannot read the TLS key: " + ec.message(), "tls_key");
    if (SSL_CTX_check_private_key(tls_->native_handle()) != 1) {
      return Status::InvalidArgument("the TLS key does not match the certificate", "tls_key");
    }
    if (!options_.tls_client_ca_file.empty()) {
      tls_->load_verify_file(options_.tls_client_ca_file, ec);
      if (ec) {
        return Status::InvalidArgument("cannot read the client CA: " + ec.message(),
                                       "tls_client_ca");
      }
      STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options_.tls_client_ca_file.c_str());
      if (names) SSL_CTX_set_client_CA_list(tls_->native_handle(), names);
      static const unsigned char kSessionContext[] = "tilsyn";
      SSL_CTX_set_session_id_context(tls_->native_handle(), kSessionContext,
                                     sizeof kSessionContext - 1);
      tls_->set_verify_mode(asio::ssl::verify_peer);
    }
    return Status::Ok();
  }

  Status Bind() {
    TILSYN_RETURN_IF_ERROR(LoadTls());
    ErrorCode ec;
    auto address = asio::ip::make_address(options_.address, ec);
    if (ec) return Status::InvalidArgument("bad listen address: " + options_.address, "listen");
    tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::Unavailable("cannot listen on " + options_.address + ":" +
                                 std::to_string(options_.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    return Status::Ok();
  }

  void StartAccepting() {
    ArmAccept();
    accept_thread_ = std::thread([this] { accept_ioc_.run(); });
  }

  uint16_t port() const override { return port_; }

  void Stop() override {
    std::lock_guard<std::mutex> stop_lock(stop_mu_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
    asio::post(accept_ioc_, [this] {
      ErrorCode ec;
      acceptor_.close(ec);
    });
    if (accept_thread_.joinable()) accept_thread_.join();
    std::list<std::shared_ptr<Connection>> conns;
    {
      std::lock_guard<std::mutex> lock(mu_);
      conns = connections_;
    }
    for (auto& c : conns) {
      // Wakes a connection that waits for its next request; one in a handler finishes first.
      // A raw pointer, not a shared_ptr: a handler left queued on a connection that has already
      // finished must not keep it (and with it its own io_context) alive — a cycle that
      // LeakSanitizer found. The handler only runs on the connection's live thread.
      Connection* raw = c.get();
      asio::post(c->ioc, [raw] {
        if (raw->reading) raw->stream.cancel();
      });
    }
    for (auto& c : conns) {
      if (c->thread.joinable()) c->thread.join();
    }
    std::lock_guard<std::mutex> lock(mu_);
    connections_.clear();
  }

 private:
  size_t MaxConnections() const { return static_cast<size_t>(std::max(64, options_.threads * 32)); }

  // Each connection gets its own io_context; the socket is accepted straight onto it.
  void ArmAccept() {
    next_ioc_ = std::make_unique<asio::io_context>();
    acceptor_.async_accept(*next_ioc_, [this](ErrorCode ec, tcp::socket socket) {
      if (ec || stopping_) return;  // closed: let accept_ioc_.run() return
      OnAccept(std::move(next_ioc_), std::move(socket));
      ArmAccept();
    });
  }

  void OnAccept(std::unique_ptr<asio::io_context> io, tcp::socket socket) {
    std::lock_guard<std::mutex> lock(mu_);
    ReapLocked();
    if (connections_.size() >= MaxConnections()) {
      // Idle or half-sent request heads must not lock everyone out: the connection that has
      // waited longest for its request head makes room; one serving a request never does.
      std::shared_ptr<Connection> idlest;
      for (const auto& c : connections_) {
        const int64_t since = c->waiting_since_ms.load();
        if (since > 0 && (!idlest || since < idlest->waiting_since_ms.load())) idlest = c;
      }
      if (!idlest) {
        ErrorCode ec;
        socket.close(ec);
        LogWarn("http.connection_refused", {{"reason", "too many connections"}});
        return;
      }
      idlest->waiting_since_ms = 0;
      Connection* raw = idlest.get();  // not a shared_ptr: see Stop()
      asio::post(idlest->ioc, [raw] {
        if (raw->reading) raw->stream.cancel();
      });
      LogWarn("http.idle_connection_dropped", {{"reason", "connection limit reached"}});
    }
    ErrorCode ec;
    socket.set_option(tcp::no_delay(true), ec);
    auto conn = std::make_shared<Connection>(std::move(io), std::move(socket));
    connections_.push_back(conn);
    conn->thread = std::thread([this, conn] {
      Serve(*conn);
      conn->done = true;
    });
  }

  // Joins finished connection threads. Caller holds mu_.
  void ReapLocked() {
    for (auto it = connections_.begin(); it != connections_.end();) {
      if ((*it)->done) {
        if ((*it)->thread.joinable()) (*it)->thread.join();
        it = connections_.erase(it);
      } else {
        ++it;
      }
    }
  }

  // Serves one connection: plain, or TLS after a handshake that must finish within the header
  // timeout. Closes it at the end.
  void Serve(Connection& c) {
    if (!tls_) {
      ServeOn(c, c.stream);
    } else {
      asio::ssl::stream<beast::tcp_stream&> tls(c.stream, *tls_);
      ErrorCode ec;
      c.reading = true;
      c.stream.expires_after(std::chrono::milliseconds(options_.header_timeout_ms));
      tls.async_handshake(asio::ssl::stream_base::server, [&ec](ErrorCode e) { ec = e; });
      c.RunPending();
      c.reading = false;
      if (!ec) {
        ServeOn(c, tls, VerifiedClientSubject(tls.native_handle()));
        c.stream.expires_after(std::chrono::seconds(2));
        tls.async_shutdown([](ErrorCode) {});
        c.RunPending();
      }
    }
    ErrorCode ignored;
    c.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    c.stream.socket().close(ignored);
  }

  // Serves requests on `s` (the connection's stream, or TLS over it) until it closes, fails,
  // times out or the server stops.
  // The common name of the client certificate the handshake verified, or "".
  static std::string VerifiedClientSubject(SSL* ssl) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (!cert) return "";
    std::string out;
    if (SSL_get_verify_result(ssl) == X509_V_OK) {
      char cn[256] = {0};
      const int n =
          X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
      if (n > 0) out.assign(cn, static_cast<size_t>(n));
    }
    X509_free(cert);
    return out;
  }

  template <typename Stream>
  void ServeOn(Connection& c, Stream& s, const std::string& client_subject = "") {
    beast::flat_buffer buffer;
    while (!stopping_) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(options_.max_body_bytes);
      parser.header_limit(kHeaderLimit);

      ErrorCode ec;
      c.reading = true;
      c.waiting_since_ms = std::max<int64_t>(1, NowMs());
      c.stream.expires_after(std::chrono::milliseconds(options_.header_timeout_ms));
      bhttp::async_read_header(s, buffer, parser, [&ec](ErrorCode e, size_t) { ec = e; });
      c.RunPending();
      c.reading = false;
      c.waiting_since_ms = 0;
      if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
          ec == beast::error::timeout || ec == asio::error::connection_reset ||
          ec == asio::error::eof) {
        break;
      }
      if (ec == bhttp::error::body_limit) {
        RefuseTooLarge(c, s);
        break;
      }
      if (ec) {
        WriteResponse(
            c, s,
            HttpResponse::Error(Status::InvalidArgument("malformed HTTP request: " + ec.message())),
            11, /*keep_alive=*/false);
        break;
      }

      if (Lower(parser.get()[bhttp::field::expect]) == "100-continue") {
        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
        c.stream.expires_after(kWriteTimeout);
        bhttp::async_write(s, cont, [&ec](ErrorCode e, size_t) { ec = e; });
        c.RunPending();
        if (ec) break;
      }

      if (!parser.is_done()) {
        c.reading = true;
        c.stream.expires_after(kReadTimeout);
        bhttp::async_read(s, buffer, parser, [&ec](ErrorCode e, size_t) { ec = e; });
        c.RunPending();
        c.reading = false;
        if (ec == bhttp::error::body_limit) {
          RefuseTooLarge(c, s);
          break;
        }
        // A malformed body (e.g. a bad chunk size) gets an answer, not a silent close.
        if (ec.category() == bhttp::make_error_code(bhttp::error::bad_chunk).category() &&
            ec != bhttp::error::partial_message) {
          WriteResponse(c, s,
                        HttpResponse::Error(Status::InvalidArgument(
                            "malformed HTTP body: " + ec.message(), "body")),
                        11, /*keep_alive=*/false);
          break;
        }
        if (ec) break;  // peer went away or timed out mid-body
      }

      bhttp::request<bhttp::string_body> req = parser.release();
      HttpRequest request = ToHttpRequest(req);
      request.client_cert_subject = client_subject;
      HttpResponse response = Call(request);
      bool keep_alive = req.keep_alive() && !stopping_;
      if (!WriteResponse(c, s, response, req.version(), keep_alive) || !keep_alive) break;
    }
  }

  HttpResponse Call(const HttpRequest& req) {
    try {
      return handler_(req);
    } catch (const std::exception& e) {
      LogError("http.handler_exception", {{"path", req.path}, {"what", e.what()}});
    } catch (...) {
      LogError("http.handler_exception", {{"path", req.path}});
    }
    return HttpResponse::Error(Status::Internal("internal error"));
  }

  // Answers 413 and closes. The unread body is drained briefly so the client sees the answer
  // instead of a connection reset.
  template <typename Stream>
  void RefuseTooLarge(Connection& c, Stream& s) {
    HttpResponse r = HttpResponse::Error(Status::PayloadTooLarge(
        "request body exceeds " + std::to_string(options_.max_body_bytes) + " bytes"));
    if (!WriteResponse(c, s, r, 11, /*keep_alive=*/false)) return;
    // Over TLS the answer is written; a half-closed TLS stream cannot be drained.
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) return;
    ErrorCode ec;
    c.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    std::vector<char> sink(64 * 1024);
    size_t drained = 0;
    while (!stopping_ && std::chrono::steady_clock::now() < deadline &&
           drained < 64u * 1024 * 1024) {
      ErrorCode rec;
      size_t n = 0;
      c.reading = true;
      c.stream.expires_after(std::chrono::milliseconds(500));
      c.stream.async_read_some(asio::buffer(sink), [&](ErrorCode e, size_t k) {
        rec = e;
        n = k;
      });
      c.RunPending();
      c.reading = false;
      if (rec) break;
      drained += n;
    }
  }

  template <typename Stream>
  bool WriteResponse(Connection& c, Stream& s, const HttpResponse& r, unsigned version,
                     bool keep_alive) {
    bhttp::response<bhttp::string_body> res;
    res.version(version);
    res.result(static_cast<unsigned>(r.status));
    res.set(bhttp::field::server, "tilsyn");
    if (!r.content_type.empty()) res.set(bhttp::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) res.set(name, value);
    res.keep_alive(keep_alive);
    res.body() = r.body;
    res.prepare_payload();
    ErrorCode ec;
    c.stream.expires_after(kWriteTimeout);
    bhttp::async_write(s, res, [&ec](ErrorCode e, size_t) { ec = e; });
    c.RunPending();
    return !ec;
  }

  HttpServerOptions options_;
  Handler handler_;
  std::unique_ptr<asio::ssl::context> tls_;  // null = plain HTTP
  asio::io_context accept_ioc_;
  tcp::acceptor acceptor_;
  std::thread accept_thread_;
  std::unique_ptr<asio::io_context> next_ioc_;  // for the connection being accepted
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex stop_mu_;
  bool stopped_ = false;
  std::mutex mu_;
  std::list<std::shared_ptr<Connection>> connections_;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> StartHttpServer(const HttpServerOptions& options,
                                                    Handler handler) {
  if (!handler) return Status::InvalidArgument("no handler", "handler");
  auto server = std::make_unique<BeastHttpServer>(options, std::move(handler));
  TILSYN_RETURN_IF_ERROR(server->Bind());
  server->StartAccepting();
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace tilsyn::net
