#include "drivers/server/pty_port.hpp"

#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <cstring>
#include <utility>

#include "drivers/server/instrument_port.hpp"

namespace spiceloop::server {

namespace {
std::string errno_text() { return std::strerror(errno); }

void close_fd(int& fd) noexcept {
  if (fd >= 0) ::close(fd);
  fd = -1;
}
}  // namespace

PtyPort::PtyPort(boost::asio::io_context& io, std::shared_ptr<PortContext> context)
    : Port(std::move(context)), io_(io) {
  if (::openpty(&master_fd_, &slave_fd_, nullptr, nullptr, nullptr) != 0)
    throw BindError("server.pty: no pseudo-terminal for port '" + context_->name + "': " + errno_text());
  ::fcntl(master_fd_, F_SETFD, FD_CLOEXEC);
  ::fcntl(slave_fd_, F_SETFD, FD_CLOEXEC);
  termios raw{};
  char name[128] = {};
  if (::tcgetattr(slave_fd_, &raw) != 0 || (cfmakeraw(&raw), ::tcsetattr(slave_fd_, TCSANOW, &raw)) != 0 ||
      ::ptsname_r(master_fd_, name, sizeof name) != 0) {
    const std::string why = errno_text();
    close_fd(master_fd_);
    close_fd(slave_fd_);
    throw BindError("server.pty: cannot set up the pseudo-terminal of port '" + context_->name + "': " + why);
  }
  path_ = name;
}

PtyPort::~PtyPort() {
  stop();
  close_fd(master_fd_);
  close_fd(slave_fd_);
}

void PtyPort::start() {
  if (!stopped_ && manager_.count() == 0) open_connection();
}

void PtyPort::open_connection() {
  const int fd = ::dup(master_fd_);
  if (fd < 0) return;  // out of descriptors: the terminal stays silent until the next drop or start
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  boost::asio::posix::stream_descriptor stream(io_, fd);
  manager_.start(std::make_shared<PtyConnection>(std::move(stream), context_, manager_));
}

void PtyPort::stop() noexcept {
  stopped_ = true;
  manager_.stop_all();
}

void PtyPort::drop() {
  if (stopped_) return;
  manager_.stop_all();
  ::tcflush(slave_fd_, TCIOFLUSH);
  ::tcflush(master_fd_, TCIOFLUSH);
  open_connection();
}

}  // namespace spiceloop::server
