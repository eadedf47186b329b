// Boost.Beast HTTP/1.1 + WebSocket server (include/stoa/node/http_server.h).
#include "stoa/node/http_server.h"

#include <sys/resource.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "stoa/node/log.h"

namespace stoa::node {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

constexpr size_t kReadChunkBytes = 16 * 1024;
constexpr size_t kDefaultBodyLimit = 8 * 1024 * 1024;  // rpc.h kMaxBodyBytes

std::string error_json(const std::string& code, const std::string& message) {
  std::string out = R"({"error":{"code":")" + code + R"(","message":")";
  for (char c : message) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  out += "\"}}";
  return out;
}

// Something the server can close at shutdown.
class Session {
 public:
  virtual ~Session() = default;
  virtual void shutdown() = 0;  // any thread
};

}  // namespace

struct HttpServer::Impl {
  explicit Impl(HttpServerHandlers h) : handlers(std::move(h)) {}

  // Declared first, destroyed last: sessions still queued in the io_context give their slots
  // back when it is destroyed.
  std::atomic<bool> stopping{false};
  mutable std::mutex mu;  // the connection counts and the session list
  std::condition_variable cv;
  size_t open = 0;
  std::map<std::string, size_t> per_address;
  std::map<uint64_t, std::weak_ptr<Session>> sessions;
  uint64_t next_id = 1;
  bool running = false;
  bool finished = false;
  bool stop_requested = false;

  HttpServerHandlers handlers;
  asio::io_context ioc{static_cast<int>(kIoThreads)};
  tcp::acceptor acceptor{ioc};
  asio::steady_timer accept_retry{ioc};
  asio::thread_pool pool{kHandlerThreads};

  // A connection slot: taken on accept, given back when the session is destroyed.
  struct Slot {
    Impl* impl = nullptr;
    std::string address;
    uint64_t id = 0;
    Slot() = default;
    Slot(Impl* i, std::string a, uint64_t n) : impl(i), address(std::move(a)), id(n) {}
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() {
      if (impl != nullptr) impl->release(address, id);
    }
  };

  // Takes a slot for `address`; nullopt when a connection cap is reached (or stopping).
  std::unique_ptr<Slot> admit(const std::string& address, std::string* why) {
    std::lock_guard lock(mu);
    if (stopping.load()) {
      *why = "the node is stopping";
      return nullptr;
    }
    if (open >= kMaxConnections) {
      *why = "the node serves at most " + std::to_string(kMaxConnections) + " connections";
      return nullptr;
    }
    size_t& n = per_address[address];
    if (n >= kMaxConnectionsPerAddress) {
      *why =
          "at most " + std::to_string(kMaxConnectionsPerAddress) + " connections from one address";
      return nullptr;
    }
    ++n;
    ++open;
    return std::make_unique<Slot>(this, address, next_id++);
  }
  void release(const std::string& address, uint64_t id) {
    std::lock_guard lock(mu);
    --open;
    auto it = per_address.find(address);
    if (it != per_address.end() && --it->second == 0) per_address.erase(it);
    sessions.erase(id);
    cv.notify_all();
  }
  void track(uint64_t id, const std::shared_ptr<Session>& s) {
    std::lock_guard lock(mu);
    sessions[id] = s;
  }

  void do_accept();
  void on_accept(tcp::socket socket);
};

namespace {

using Impl = HttpServer::Impl;

// ---- WebSocket

class WsSession final : public Session,
                        public WsConnection,
                        public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(Impl& server, beast::tcp_stream&& stream, std::unique_ptr<Impl::Slot> slot)
      : server_(server), ws_(std::move(stream)), slot_(std::move(slot)) {}

  void accept(const http::request<http::string_body>& req) {
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(kMaxWsMessageBytes);
    ws_.async_accept(req, [self = shared_from_this()](error_code ec) {
      if (ec) return self->closed();
      self->opened_ = true;
      if (self->server_.handlers.ws_open) self->server_.handlers.ws_open(self);
      self->read();
    });
  }

  void send(std::string text) override {
    const size_t n = text.size();
    if (queued_.fetch_add(n) + n > kMaxWsQueueBytes) {
      queued_.fetch_sub(n);
      log_event(LogLevel::kWarn, "ws_slow_reader",
                {{"remote", slot_->address}, {"queueLimitBytes", kMaxWsQueueBytes}});
      close();
      return;
    }
    asio::post(ws_.get_executor(), [self = shared_from_this(), t = std::move(text)]() mutable {
      if (self->closing_) {
        self->queued_.fetch_sub(t.size());
        return;
      }
      self->queue_.push_back(std::move(t));
      if (!self->writing_) self->write_next();
    });
  }
  void close() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->close_now(); });
  }
  void shutdown() override { close(); }
  const std::string& remote_address() const override { return slot_->address; }
  uint64_t id() const override { return slot_->id; }

 private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](error_code ec, size_t) {
      if (ec) return self->closed();
      if (!self->ws_.got_text()) {
        self->buffer_.consume(self->buffer_.size());
        return self->read();
      }
      std::string msg = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      asio::post(self->server_.pool, [self, m = std::move(msg)]() mutable {
        try {
          if (self->server_.handlers.ws_message)
            self->server_.handlers.ws_message(self, std::move(m));
        } catch (const std::exception& e) {
          log_event(LogLevel::kError, "ws_exception", {{"error", e.what()}});
        }
        asio::post(self->ws_.get_executor(), [self] {
          if (!self->closing_) self->read();
        });
      });
    });
  }
  void write_next() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = shared_from_this()](error_code ec, size_t) {
                      self->queued_.fetch_sub(self->queue_.front().size());
                      self->queue_.pop_front();
                      if (ec) return self->close_now();
                      if (self->queue_.empty()) {
                        self->writing_ = false;
                      } else {
                        self->write_next();
                      }
                    });
  }
  void close_now() {
    if (closing_) return;
    closing_ = true;
    error_code ec;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(ws_).close();
  }
  void closed() {
    closing_ = true;
    if (opened_ && !notified_closed_) {
      notified_closed_ = true;
      auto self = shared_from_this();
      if (server_.handlers.ws_closed) server_.handlers.ws_closed(self);
    }
    error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

  Impl& server_;
  websocket::stream<beast::tcp_stream> ws_;
  std::unique_ptr<Impl::Slot> slot_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  std::atomic<size_t> queued_{0};
  bool writing_ = false;
  bool closing_ = false;
  bool opened_ = false;
  bool notified_closed_ = false;
};

// ---- HTTP

class HttpSession final : public Session, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(Impl& server, tcp::socket&& socket, std::unique_ptr<Impl::Slot> slot)
      : server_(server), stream_(std::move(socket)), slot_(std::move(slot)) {}

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->next(); });
  }
  void shutdown() override {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->close();  // reading (nothing admitted yet): close now
    });
  }

 private:
  void next() {
    if (server_.stopping.load()) return close();
    busy_ = false;
    if (buffer_.size() > 0) return read_header();
    // Idle until the next request's first byte.
    stream_.expires_after(kKeepAliveIdleTimeout);
    stream_.async_read_some(buffer_.prepare(kReadChunkBytes),
                            [self = shared_from_this()](error_code ec, size_t n) {
                              self->buffer_.commit(n);
                              if (ec) return self->close();
                              self->read_header();
                            });
  }

  void read_header() {
    request_ = HttpRequest();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(kMaxHeaderBytes));
    limit_ = kDefaultBodyLimit;
    parser_->body_limit(limit_);
    stream_.expires_after(kHeaderReadTimeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::eof ||
        ec == asio::error::connection_reset) {
      return close();
    }
    if (ec == http::error::header_limit) {
      return refuse(431, "request_header_too_large",
                    "the request header exceeds " + std::to_string(kMaxHeaderBytes) + " bytes");
    }
    fill_request_head();
    if (server_.handlers.body_limit) limit_ = server_.handlers.body_limit(request_);
    if (ec == http::error::body_limit) return too_large();
    // Beast refuses the second of the two fields (the first one is in the header read so far).
    const bool conflict = (ec == http::error::bad_transfer_encoding &&
                           parser_->get().count(http::field::content_length) > 0) ||
                          (ec == http::error::bad_content_length &&
                           parser_->get().count(http::field::transfer_encoding) > 0);
    if (conflict) {
      return refuse(400, "bad_request",
                    "Content-Length and Transfer-Encoding together are refused (RFC 9112 6.1)");
    }
    if (ec) return refuse(400, "bad_request", "malformed HTTP request: " + ec.message());
    const auto& h = parser_->get();
    if (h.count(http::field::content_length) > 0 && h.count(http::field::transfer_encoding) > 0) {
      return refuse(400, "bad_request", "Content-Length together with Transfer-Encoding");
    }
    parser_->body_limit(limit_);
    if (auto len = parser_->content_length(); len && *len > limit_) return too_large();
    if (websocket::is_upgrade(h)) {
      if (request_.path != "/" || request_.method != "GET") {
        return refuse(404, "not_found", "WebSocket is served on GET / only");
      }
      // A browser page's WebSocket carries its Origin (other clients send none): the same
      // policy as for its HTTP requests.
      if (request_.has_header("Origin") &&
          !server_.handlers.cors.allows(request_.get_header_value("Origin"))) {
        return refuse(403, "forbidden", "this origin may not open a WebSocket (--cors)");
      }
    }
    auto expect = h.find(http::field::expect);
    if (expect != h.end() && beast::iequals(expect->value(), "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      stream_.expires_after(kWriteTimeout);
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](error_code wec, size_t) {
        if (wec) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    stream_.expires_after(kBodyReadTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](error_code ec, size_t) { self->on_body(ec); });
  }

  void fill_request_head() {
    const auto& h = parser_->get();
    request_ = HttpRequest();
    request_.method = std::string(h.method_string());
    request_.target = std::string(h.target());
    parse_target(request_.target, &request_.path, &request_.params);
    for (const auto& f : h)
      request_.headers.emplace(std::string(f.name_string()), std::string(f.value()));
    request_.remote_address = slot_->address;
  }

  void on_body(error_code ec) {
    if (ec == http::error::body_limit) return too_large();
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == http::error::partial_message) {
      return close();
    }
    if (ec) return refuse(400, "bad_request", "malformed HTTP request: " + ec.message());
    http::request<http::string_body> req = parser_->release();
    parser_.reset();
    if (websocket::is_upgrade(req)) {
      stream_.expires_never();
      auto ws = std::make_shared<WsSession>(server_, std::move(stream_), std::move(slot_));
      server_.track(ws->id(), ws);
      ws->accept(req);
      return;
    }
    request_.body = std::move(req.body());
    keep_alive_ = req.keep_alive();
    if (CorsPolicy::is_preflight(request_)) {
      HttpResponse res;
      server_.handlers.cors.answer_preflight(request_, &res);
      return write(std::move(res), false);
    }
    busy_ = true;
    asio::post(server_.pool, [self = shared_from_this()] {
      HttpResponse res;
      try {
        self->server_.handlers.http(self->request_, res);
      } catch (const std::exception& e) {
        log_event(LogLevel::kError, "http_exception",
                  {{"path", self->request_.path}, {"error", e.what()}});
        res = HttpResponse();
        res.status = 500;
        res.set_content(error_json("internal", "internal error"), "application/json");
      }
      asio::post(self->stream_.get_executor(),
                 [self, r = std::move(res)]() mutable { self->write(std::move(r), false); });
    });
  }

  void too_large() {
    HttpResponse res;
    if (server_.handlers.too_large) {
      server_.handlers.too_large(request_, limit_, res);
    } else {
      res.status = 413;
      res.set_content(error_json("payload_too_large",
                                 "request body exceeds " + std::to_string(limit_) + " bytes"),
                      "application/json");
    }
    write(std::move(res), true);
  }

  void refuse(int status, const std::string& code, const std::string& message) {
    HttpResponse res;
    res.status = status;
    res.set_content(error_json(code, message), "application/json");
    write(std::move(res), true);
  }

  // Writes a response; `then_close` after an error that leaves the stream unusable.
  void write(HttpResponse r, bool then_close) {
    busy_ = true;
    if (!CorsPolicy::is_preflight(request_)) server_.handlers.cors.decorate(request_, &r);
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), 11);
    if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers)
      res->set(k, v);
    res->body() = std::move(r.body);
    const bool keep = keep_alive_ && !then_close && !server_.stopping.load();
    res->keep_alive(keep);
    res->prepare_payload();
    if (r.status == 204 || r.status == 304) res->erase(http::field::content_length);
    stream_.expires_after(kWriteTimeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, keep, then_close](error_code ec, size_t) {
                        if (ec) return self->close();
                        if (then_close) return self->drain();
                        if (!keep) return self->close();
                        self->next();
                      });
  }

  // After an error answer: stop sending, read and drop what the client still sends (so it reads
  // the answer rather than a reset), then close.
  void drain() {
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    buffer_.consume(buffer_.size());
    stream_.expires_after(kDrainTimeout);
    drain_more();
  }
  void drain_more() {
    if (drained_ >= kMaxDrainBytes) return close();
    stream_.async_read_some(buffer_.prepare(kReadChunkBytes),
                            [self = shared_from_this()](error_code ec, size_t n) {
                              self->drained_ += n;
                              self->buffer_.consume(self->buffer_.size());
                              if (ec) return self->close();
                              self->drain_more();
                            });
  }

  void close() {
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  Impl& server_;
  beast::tcp_stream stream_;
  std::unique_ptr<Impl::Slot> slot_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest request_;
  size_t limit_ = kDefaultBodyLimit;
  size_t drained_ = 0;
  bool keep_alive_ = true;
  bool busy_ = false;  // a request is being handled or answered
};

}  // namespace

void Impl::do_accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors (EMFILE) and the like: try again shortly instead of spinning.
      accept_retry.expires_after(std::chrono::milliseconds(50));
      accept_retry.async_wait([this](error_code) {
        if (acceptor.is_open()) do_accept();
      });
      return;
    }
    on_accept(std::move(socket));
    do_accept();
  });
}

void Impl::on_accept(tcp::socket socket) {
  error_code ec;
  const tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) return;
  socket.set_option(tcp::no_delay(true), ec);
  std::string why;
  std::unique_ptr<Slot> slot = admit(remote.address().to_string(), &why);
  if (!slot) {
    // Best effort, without waiting: a short 503, then close.
    const std::string body = error_json("unavailable", why);
    const std::string text =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json"
        "\r\nConnection: close\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    socket.non_blocking(true, ec);
    socket.write_some(asio::buffer(text), ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
    return;
  }
  const uint64_t id = slot->id;
  auto s = std::make_shared<HttpSession>(*this, std::move(socket), std::move(slot));
  track(id, s);
  s->start();
}

HttpServer::HttpServer(HttpServerHandlers handlers)
    : impl_(std::make_unique<Impl>(std::move(handlers))) {}

HttpServer::~HttpServer() {
  stop();
  impl_->pool.join();
}

int HttpServer::bind(const std::string& host, int port) {
  error_code ec;
  const asio::ip::address addr =
      asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) throw std::runtime_error("cannot listen on " + host + ": not an IP address");
  const tcp::endpoint ep(addr, static_cast<uint16_t>(port));
  tcp::acceptor& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    a.close(ec);
    throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + " (" +
                             ec.message() + ")");
  }
  return a.local_endpoint().port();
}

void HttpServer::run() {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mu);
    if (s.stop_requested || s.running) return;
    s.running = true;
  }
  s.do_accept();
  std::vector<std::thread> threads;
  for (size_t i = 0; i < kIoThreads; ++i)
    threads.emplace_back([&s] { s.ioc.run(); });
  {
    std::unique_lock lock(s.mu);
    s.cv.wait(lock, [&s] { return s.stop_requested; });
  }
  // Stop: no new connections; idle and half-read ones close now; those with a request being
  // handled finish it (then close), for at most kShutdownGrace.
  s.stopping = true;
  asio::post(s.ioc, [&s] {
    error_code ec;
    s.acceptor.close(ec);
    s.accept_retry.cancel();
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(s.mu);
      for (auto& [id, w] : s.sessions) {
        if (auto p = w.lock()) live.push_back(std::move(p));
      }
    }
    for (auto& p : live)
      p->shutdown();
  });
  {
    std::unique_lock lock(s.mu);
    s.cv.wait_for(lock, kShutdownGrace, [&s] { return s.open == 0; });
  }
  s.ioc.stop();
  for (std::thread& t : threads)
    t.join();
  s.pool.join();
  {
    std::lock_guard lock(s.mu);
    s.finished = true;
  }
  s.cv.notify_all();
}

void HttpServer::stop() {
  Impl& s = *impl_;
  std::unique_lock lock(s.mu);
  s.stop_requested = true;
  s.cv.notify_all();
  if (!s.running) return;
  s.cv.wait(lock, [&s] { return s.finished; });
}

size_t HttpServer::connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->open;
}

void raise_open_file_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace stoa::node
