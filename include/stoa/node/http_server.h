// The node's HTTP/1.1 and WebSocket server: Boost.Beast over Asio, event-driven. A small fixed
// set of I/O threads runs every connection's reads, writes and timers; the handlers (which may
// wait briefly on the sequencer) run on a fixed pool of handler threads, so a slow or idle
// connection costs a socket and a little memory, never a thread. Requests on one connection are
// answered in order (pipelining). Every limit below is documented in docs/NODE.md ("HTTP and
// WebSocket limits").
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "stoa/node/cors.h"
#include "stoa/node/http.h"

namespace stoa::node {

// Open connections (HTTP and WebSocket) at once; more are answered 503 and closed.
inline constexpr size_t kMaxConnections = 10'000;
// Open connections from one remote IP address at once; more are answered 503 and closed.
inline constexpr size_t kMaxConnectionsPerAddress = 256;
// From a request's first byte to the end of its header.
inline constexpr std::chrono::seconds kHeaderReadTimeout{10};
// From the end of the header to the end of the body.
inline constexpr std::chrono::seconds kBodyReadTimeout{30};
// A connection with no request in progress is closed after this long.
inline constexpr std::chrono::seconds kKeepAliveIdleTimeout{15};
// Writing one response.
inline constexpr std::chrono::seconds kWriteTimeout{30};
// A request's start line and header fields (HTTP 431 beyond).
inline constexpr size_t kMaxHeaderBytes = 16 * 1024;
// What a refused request's remaining body may still send before the connection is closed, and
// for how long (the client then reads the error instead of a reset).
inline constexpr size_t kMaxDrainBytes = 16 * 1024 * 1024;
inline constexpr std::chrono::seconds kDrainTimeout{2};
// On stop: requests being handled may finish for this long before their connections close.
inline constexpr std::chrono::milliseconds kShutdownGrace{500};
// Threads: I/O (every socket) and handlers (requests and WebSocket messages).
inline constexpr size_t kIoThreads = 2;
inline constexpr size_t kHandlerThreads = 8;
// One WebSocket message (a larger one closes the connection with 1009 "message too big").
inline constexpr size_t kMaxWsMessageBytes = 8 * 1024 * 1024;
// Bytes queued for one WebSocket client that does not read: beyond, it is disconnected.
inline constexpr size_t kMaxWsQueueBytes = 16 * 1024 * 1024;

// One WebSocket connection, as the handlers see it.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  // Queues a text message (any thread). A client whose queue would exceed kMaxWsQueueBytes is
  // disconnected and the message dropped.
  virtual void send(std::string text) = 0;
  virtual void close() = 0;
  virtual const std::string& remote_address() const = 0;
  virtual uint64_t id() const = 0;
};

struct HttpServerHandlers {
  // Every HTTP request except WebSocket upgrades (on a handler thread; exceptions become 500).
  std::function<void(HttpRequest&, HttpResponse&)> http;
  // The body limit of a request, from its header (kMaxBodyBytes when empty).
  std::function<size_t(const HttpRequest&)> body_limit;
  // The answer to a request whose body exceeds `limit` bytes (a plain 413 when empty).
  std::function<void(const HttpRequest&, size_t limit, HttpResponse&)> too_large;
  // WebSocket (upgrade with GET /): opened, a text message (on a handler thread; the next
  // message of the same connection is read once it returns), closed.
  std::function<void(const std::shared_ptr<WsConnection>&)> ws_open;
  std::function<void(const std::shared_ptr<WsConnection>&, std::string)> ws_message;
  std::function<void(const std::shared_ptr<WsConnection>&)> ws_closed;
  // Not a handler: the CORS policy the server applies to every answer, preflight and WebSocket
  // upgrade (stoa/node/cors.h; by default no origin is allowed).
  CorsPolicy cors;
};

class HttpServer {
 public:
  explicit HttpServer(HttpServerHandlers handlers);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens on host:port (0: an ephemeral port); returns the port. Throws std::runtime_error.
  int bind(const std::string& host, int port);
  // Serves until stop() (blocking).
  void run();
  // Closes the listener and idle connections, lets requests being handled finish (at most
  // kShutdownGrace), and returns once run() has returned. Any thread; idempotent.
  void stop();
  // Open connections now.
  size_t connections() const;

  struct Impl;  // src/node/http_server.cc

 private:
  std::unique_ptr<Impl> impl_;
};

// Raises the soft limit of open files to the hard limit (each connection is a descriptor).
void raise_open_file_limit();

}  // namespace stoa::node
