#pragma once
// A line protocol served on a pseudo-terminal, the stand-in for a board on a USB serial port
// (/dev/ttyACM0 becomes /dev/pts/N; path() says which). The slave side is put in raw mode
// (cfmakeraw: no echo, no line editing, no \n -> \r\n) and the server keeps its own slave
// descriptor open, so a client may open, close and reopen the path while the terminal and its
// settings live on. Bytes a client writes reach the Endpoint as from a socket; there is only ever
// one connection, which lives as long as the port. The fault "drop" flushes both directions and
// starts a fresh Endpoint (a board reset), since a terminal cannot be closed from its far side.
// Throws BindError ("server.pty: ...") when no pseudo-terminal can be had. Members other than
// path() run on the io thread.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "drivers/server/connection_manager.hpp"
#include "drivers/server/port.hpp"

namespace spiceloop::server {

class PtyPort : public Port {
 public:
  PtyPort(boost::asio::io_context& io, std::shared_ptr<PortContext> context);
  ~PtyPort() override;
  PtyPort(const PtyPort&) = delete;
  PtyPort& operator=(const PtyPort&) = delete;

  void start() override;
  void stop() noexcept override;
  void resume() override { manager_.resume_all(); }
  void drop() override;
  std::string pty_path() const override { return path_; }
  const std::string& path() const { return path_; }
  std::size_t connection_count() const override { return manager_.count(); }

 private:
  void open_connection();

  boost::asio::io_context& io_;
  int master_fd_ = -1;  // kept; each connection reads a dup of it, so closing one keeps the terminal
  int slave_fd_ = -1;   // kept open so the terminal survives clients closing it
  std::string path_;
  ConnectionManager manager_;
  bool stopped_ = false;
};

}  // namespace spiceloop::server
