// spiceloop-ngspice-worker: one ngspice interpreter in its own process, supervised by the parent
// (emulator/spice/worker_client.hpp). It speaks protocol.hpp on its stdin/stdout socket, never
// reads a file or a command text from anyone, and starts ngspice in a fresh private directory
// with HOME pointed there (removed once ngspice is initialised). It refuses to start if ngspice
// would source a start-up file. Exit codes: 0 quit or
// parent gone, 2 refused to start, 3 controlled exit inside ngspice, 4 protocol broken.
#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <exception>
#include <optional>

#include "emulator/core/error.hpp"
#include "emulator/spice/protocol.hpp"
#include "emulator/spice/worker/engine.hpp"
#include "emulator/spice/worker/frame_io.hpp"
#include "emulator/spice/worker/private_dir.hpp"
#include "emulator/spice/worker/session.hpp"

namespace {

using namespace spiceloop;
using namespace spiceloop::worker;
using protocol::MessageType;

int g_fd = -1;                   // the protocol socket
PrivateDir* g_dir = nullptr;

[[noreturn]] void leave(int code) {
  if (g_dir) g_dir->remove();
  _exit(code);  // skip ngspice's own teardown: its state is not worth trusting at exit
}

void reply_error(protocol::ErrorClass cls, const std::string& id, const std::string& where,
                 const std::string& message) {
  if (!write_frame(g_fd, MessageType::Error, protocol::encode(protocol::ErrorReply{cls, id, where, message}))) leave(0);
}

void reply(MessageType type, const std::string& payload = {}) {
  if (!write_frame(g_fd, type, payload)) leave(0);
}

// Keeps the protocol socket off fds 0 and 1, so that nothing ngspice or a library prints can
// land in the middle of a frame.
int take_protocol_socket() {
  close_range(3, ~0U, 0);  // nothing inherited by accident holds another worker's socket open
  const int fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
  if (fd < 0) _exit(4);
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) {
    dup2(null_fd, 0);
    close(null_fd);
  }
  dup2(2, 1);
  return fd;
}

void handle(Session& session, const protocol::Frame& f) {
  switch (f.type) {
    case MessageType::LoadNetwork:
      session.load_network(protocol::decode<Network>(f.payload));
      reply(MessageType::Ok);
      return;
    case MessageType::SetConductances:
      session.set_conductances(protocol::decode<std::vector<double>>(f.payload));
      reply(MessageType::Ok);
      return;
    case MessageType::SetOptions:
      session.set_options(protocol::decode<SolverOptions>(f.payload));
      reply(MessageType::Ok);
      return;
    case MessageType::Solve:
      reply(MessageType::Result, protocol::encode(session.solve(protocol::decode<Drive>(f.payload))));
      return;
    case MessageType::Transient:
      reply(MessageType::TransientData, protocol::encode(session.transient(protocol::decode<TransientCircuit>(f.payload))));
      return;
    case MessageType::Fault: {
      const auto fault = protocol::decode<protocol::WorkerFault>(f.payload);
      if (fault == protocol::WorkerFault::AbortNow) std::abort();
      session.arm_fault(fault);
      reply(MessageType::Ok);
      return;
    }
    case MessageType::Quit: leave(0);
    default:
      throw protocol::ProtocolError("unknown request type " + std::to_string(static_cast<unsigned>(f.type)));
  }
}

}  // namespace

int main() {
  g_fd = take_protocol_socket();
  std::signal(SIGPIPE, SIG_IGN);  // a vanished parent shows as a failed write; we then clean up
  // These would point ngspice at another spinit; the system one is the only script it may run.
  unsetenv("SPICE_SCRIPTS");
  unsetenv("SPICE_LIB_DIR");

  std::optional<PrivateDir> dir;
  try {
    dir.emplace();
  } catch (const std::exception& e) {
    reply_error(protocol::ErrorClass::Simulation, "spice.worker_start", "", e.what());
    _exit(2);
  }
  g_dir = &*dir;
  if (const auto present = present_startup_files(); !present.empty()) {
    dir->remove();  // before replying: the parent may kill us as soon as it has read the reply
    reply_error(protocol::ErrorClass::Simulation, protocol::kUnsafeInit, present.front(),
                "ngspice would run this start-up file as commands; move it away to use the ngspice backend");
    leave(2);
  }
  setenv("HOME", dir->path().c_str(), 1);

  Engine engine({
      [](std::string_view line) {
        if (!write_frame(g_fd, MessageType::Log, std::string(line))) leave(0);
      },
      [](int status) {
        reply_error(protocol::ErrorClass::Simulation, protocol::kControlledExit, "",
                    "ngspice asked to exit (status " + std::to_string(status) + ")");
        leave(3);
      },
  });
  const std::string dir_path = dir->path();
  dir->remove();  // ngspice has read its start-up files; from here a SIGKILL leaks nothing
  Session session(engine);
  reply(MessageType::Ready, protocol::encode(protocol::Ready{static_cast<std::uint32_t>(getpid()), dir_path}));

  for (;;) {
    std::optional<protocol::Frame> frame;
    try {
      frame = read_frame(g_fd);
    } catch (const protocol::ProtocolError&) {
      leave(4);  // framing is lost; nothing later on this stream can be trusted
    }
    if (!frame) leave(0);
    try {
      handle(session, *frame);
    } catch (const InputError& e) {
      reply_error(protocol::ErrorClass::Input, e.id(), e.where(), e.message());
    } catch (const Error& e) {
      reply_error(protocol::ErrorClass::Simulation, e.id(), e.where(), e.message());
    } catch (const protocol::ProtocolError& e) {
      reply_error(protocol::ErrorClass::Simulation, protocol::kBadRequest, "", e.what());
    } catch (const std::exception& e) {
      reply_error(protocol::ErrorClass::Simulation, "spice.worker_internal", "", e.what());
    }
  }
}
