// `spiceloop serve` refusing to start: a port already in use and bad connection limits are input
// errors (exit status 2, an id and what to change), like every other bad input of the command.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "tests/common/paths.hpp"
#include "tests/common/run_command.hpp"

using namespace spiceloop::test;
using Catch::Matchers::Contains;

namespace {

// A socket listening on a free port of 127.0.0.1 for as long as it lives.
struct HeldPort {
  HeldPort() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0);
    REQUIRE(::listen(fd, 1) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
  }
  ~HeldPort() { ::close(fd); }
  int fd = -1;
  int port = 0;
};

std::string serve(const std::string& options) {
  return spiceloop_binary() + " serve " + bundled("benches/lab16.json") + " --backend ideal --no-pty " + options;
}

}  // namespace

TEST_CASE("spiceloop serve: a port in use is an input error naming it, exit status 2", "[cli][socket]") {
  // Regression: a bind error skipped the error path (exit 3, no id, nothing to change).
  HeldPort held;
  const CommandResult r = run_command(serve("--port " + std::to_string(held.port)), true);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Contains("error: [spiceloop.cli.bind] --host 127.0.0.1 --port " + std::to_string(held.port)));
  CHECK_THAT(r.output, Contains("127.0.0.1:" + std::to_string(held.port)) && Contains("Address already in use"));
  CHECK_THAT(r.output, Contains("choose another --port"));
}

TEST_CASE("spiceloop serve: connection limits out of range are input errors", "[cli]") {
  CommandResult r = run_command(serve("--port 0 --idle-timeout -1"), true);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Contains("[spiceloop.cli.seconds] --idle-timeout"));
  r = run_command(serve("--port 0 --max-connections-per-peer 0"), true);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Contains("[spiceloop.cli.count] --max-connections-per-peer"));
}
