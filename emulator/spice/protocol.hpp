// The parent <-> ngspice worker protocol, shared by both sides (header-only, so the worker
// executable needs no library beyond sl_netlist).
//
// Transport: one AF_UNIX stream socket that is the worker's stdin and stdout. Every message is a
// frame: u32 type, u32 payload length, payload; native byte order (both ends are one machine).
// Requests are typed values, never command text: the worker alone turns them into ngspice
// commands, from constants, deck.hpp names and std::to_chars numbers.
//
// Conversation:
//   worker -> Ready{pid, private dir} or Error (e.g. spice.unsafe_init), once, at start.
//   parent -> one request; worker -> zero or more Log lines, then exactly one reply (Ok, Result
//   or Error). The parent may pipeline several requests and then read the replies in order.
//   Quit and Fault(AbortNow) get no reply: the worker exits or dies.
//   A controlled exit inside ngspice sends Error{spice.controlled_exit} and the worker exits.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/network/network.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop::protocol {

enum class MessageType : std::uint32_t {
  // parent -> worker
  LoadNetwork = 1,      // Network: stored; ngspice loads a circuit lazily, at the next Solve
  SetConductances = 2,  // f64[] siemens per edge (diode entries ignored), as Network::set_conductances
  SetOptions = 3,       // SolverOptions; the next Solve reloads its circuit
  Solve = 4,            // Drive: sets the sources, runs `op`, replies Result with node voltages
  Fault = 5,            // WorkerFault: test hook
  Quit = 6,             // no reply; the worker removes its directory and exits
  // worker -> parent
  Ready = 100,   // u32 pid, str private directory (already removed; for logs)
  Ok = 101,      // empty
  Result = 102,  // SolveResult
  Error = 103,   // ErrorReply
  Log = 104,     // str: one line of ngspice output (routine chatter filtered out)
};

// Injected failures for the supervisor's tests.
enum class WorkerFault : std::uint32_t {
  AbortNow = 0,               // abort() on receipt, no reply
  AbortInNextSolve = 1,       // abort() right after the next `op`, before its reply
  ControlledExitInNextSolve = 2,  // the next Solve sends ngspice `quit` (a controlled exit)
  HangInNextSolve = 3,        // the next Solve never replies (the parent's timeout kills it)
};

// Which circuit a phase runs in: Free and Nudged share one (nudge sources at 0 A when free).
enum class CircuitKind : std::uint32_t { FreeNudged = 0, Clamped = 1, Twin = 2 };

inline CircuitKind circuit_kind(Phase p) {
  switch (p) {
    case Phase::Free:
    case Phase::Nudged: return CircuitKind::FreeNudged;
    case Phase::Clamped: return CircuitKind::Clamped;
    case Phase::Twin: return CircuitKind::Twin;
  }
  return CircuitKind::FreeNudged;
}

enum class ErrorClass : std::uint32_t { Input = 0, Simulation = 1 };

struct ErrorReply {
  ErrorClass error_class = ErrorClass::Simulation;
  std::string id;       // e.g. "spice.solve_failed" (what() adds the "spiceloop." prefix)
  std::string where;
  std::string message;
};

struct SolveResult {
  std::uint32_t circuit_loads = 0;  // decks loaded while answering (0 or 1)
  std::uint32_t alters = 0;         // element values altered while answering
  bool stepped = false;             // answered by a transient timepoint, not a fresh op
  std::vector<double> node_volts;   // per node of the (free) copy; [0] = 0
  std::vector<double> twin_volts;   // per node of the clamped twin copy; empty unless Twin
};

struct Ready {
  std::uint32_t pid = 0;
  std::string private_dir;
};

struct Frame {
  MessageType type;
  std::string payload;
};

inline constexpr std::size_t kHeaderBytes = 8;
inline constexpr std::uint32_t kMaxPayloadBytes = 1u << 30;  // a corrupt length, not a network

class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline void put_header(char* out, MessageType type, std::uint32_t bytes) {
  const std::uint32_t t = static_cast<std::uint32_t>(type);
  std::memcpy(out, &t, 4);
  std::memcpy(out + 4, &bytes, 4);
}

inline void get_header(const char* in, MessageType& type, std::uint32_t& bytes) {
  std::uint32_t t = 0;
  std::memcpy(&t, in, 4);
  std::memcpy(&bytes, in + 4, 4);
  type = static_cast<MessageType>(t);
  if (bytes > kMaxPayloadBytes) throw ProtocolError("frame length out of range");
}

// Header plus payload, ready to write in one call.
inline std::string encode_frame(const Frame& f) {
  std::string out(kHeaderBytes, '\0');
  put_header(out.data(), f.type, static_cast<std::uint32_t>(f.payload.size()));
  return out + f.payload;
}

class Writer {
 public:
  void u32(std::uint32_t v) { raw(&v, 4); }
  void i32(std::int32_t v) { raw(&v, 4); }
  void f64(double v) { raw(&v, 8); }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    buf_.append(s);
  }
  void f64s(const std::vector<double>& v) {
    u32(static_cast<std::uint32_t>(v.size()));
    raw(v.data(), 8 * v.size());
  }
  std::string take() { return std::move(buf_); }

 private:
  void raw(const void* p, std::size_t n) { buf_.append(static_cast<const char*>(p), n); }
  std::string buf_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  std::uint32_t u32() { std::uint32_t v; raw(&v, 4); return v; }
  std::int32_t i32() { std::int32_t v; raw(&v, 4); return v; }
  double f64() { double v; raw(&v, 8); return v; }
  std::string str() {
    const std::uint32_t n = u32();
    need(n);
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::vector<double> f64s() {
    const std::uint32_t n = u32();
    need(std::size_t{8} * n);
    std::vector<double> v(n);
    raw(v.data(), std::size_t{8} * n);
    return v;
  }
  void expect_end() const {
    if (pos_ != in_.size()) throw ProtocolError("trailing bytes in payload");
  }

 private:
  void need(std::size_t n) const {
    if (n > in_.size() - pos_) throw ProtocolError("payload too short");
  }
  void raw(void* p, std::size_t n) {
    need(n);
    if (n) std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
};

inline std::string encode_network(const Network& net) {
  Writer w;
  w.str(net.name);
  w.u32(static_cast<std::uint32_t>(net.node_names.size()));
  for (const std::string& n : net.node_names) w.str(n);
  w.u32(static_cast<std::uint32_t>(net.edges.size()));
  for (const Edge& e : net.edges) {
    w.str(e.name);
    w.i32(e.a);
    w.i32(e.b);
    w.u32(static_cast<std::uint32_t>(e.kind));
    w.u32(e.trainable ? 1 : 0);
    w.f64(e.siemens);
    w.f64(e.min_siemens);
    w.f64(e.max_siemens);
    w.i32(e.taps);
    w.f64(e.r_ab_ohms);
    w.f64(e.r_wiper_ohms);
    w.i32(e.code);
    w.f64(e.is_amps);
    w.f64(e.emission);
  }
  w.u32(static_cast<std::uint32_t>(net.inputs.size()));
  for (const Input& in : net.inputs) {
    w.i32(in.node);
    w.f64(in.volts);
  }
  w.u32(static_cast<std::uint32_t>(net.outputs.size()));
  for (int o : net.outputs) w.i32(o);
  return w.take();
}

inline Network decode_network(std::string_view payload) {
  Reader r(payload);
  Network net;
  net.name = r.str();
  net.node_names.resize(r.u32());
  for (std::string& n : net.node_names) n = r.str();
  net.edges.resize(r.u32());
  for (Edge& e : net.edges) {
    e.name = r.str();
    e.a = r.i32();
    e.b = r.i32();
    const std::uint32_t kind = r.u32();
    if (kind > static_cast<std::uint32_t>(ElementKind::Diode)) throw ProtocolError("bad element kind");
    e.kind = static_cast<ElementKind>(kind);
    e.trainable = r.u32() != 0;
    e.siemens = r.f64();
    e.min_siemens = r.f64();
    e.max_siemens = r.f64();
    e.taps = r.i32();
    e.r_ab_ohms = r.f64();
    e.r_wiper_ohms = r.f64();
    e.code = r.i32();
    e.is_amps = r.f64();
    e.emission = r.f64();
  }
  net.inputs.resize(r.u32());
  for (Input& in : net.inputs) {
    in.node = r.i32();
    in.volts = r.f64();
  }
  net.outputs.resize(r.u32());
  for (int& o : net.outputs) o = r.i32();
  r.expect_end();
  const int n = net.node_count();
  auto bad = [n](int v) { return v < 0 || v >= n; };
  for (const Edge& e : net.edges)
    if (bad(e.a) || bad(e.b)) throw ProtocolError("edge node out of range");
  for (const Input& in : net.inputs)
    if (bad(in.node)) throw ProtocolError("input node out of range");
  for (int o : net.outputs)
    if (bad(o)) throw ProtocolError("output node out of range");
  return net;
}

inline std::string encode_options(const SolverOptions& o) {
  Writer w;
  w.f64(o.reltol);
  w.f64(o.abstol_amps);
  w.f64(o.vntol_volts);
  w.f64(o.gmin_siemens);
  w.i32(o.newton_max_iterations);
  w.f64(o.kcl_tolerance);
  w.i32(o.reuse_ordering ? 1 : 0);
  return w.take();
}

inline SolverOptions decode_options(std::string_view payload) {
  Reader r(payload);
  SolverOptions o;
  o.reltol = r.f64();
  o.abstol_amps = r.f64();
  o.vntol_volts = r.f64();
  o.gmin_siemens = r.f64();
  o.newton_max_iterations = r.i32();
  o.kcl_tolerance = r.f64();
  o.reuse_ordering = r.i32() != 0;
  r.expect_end();
  return o;
}

inline std::string encode_drive(const Drive& d) {
  Writer w;
  w.u32(static_cast<std::uint32_t>(d.phase));
  w.f64s(d.input_volts);
  w.f64s(d.clamp_volts);
  w.f64s(d.nudge_amps);
  w.f64(d.twin_eta);
  w.f64s(d.twin_targets);
  return w.take();
}

inline Drive decode_drive(std::string_view payload) {
  Reader r(payload);
  Drive d;
  const std::uint32_t phase = r.u32();
  if (phase > static_cast<std::uint32_t>(Phase::Twin)) throw ProtocolError("bad phase");
  d.phase = static_cast<Phase>(phase);
  d.input_volts = r.f64s();
  d.clamp_volts = r.f64s();
  d.nudge_amps = r.f64s();
  d.twin_eta = r.f64();
  d.twin_targets = r.f64s();
  r.expect_end();
  return d;
}

inline std::string encode_doubles(const std::vector<double>& v) {
  Writer w;
  w.f64s(v);
  return w.take();
}

inline std::vector<double> decode_doubles(std::string_view payload) {
  Reader r(payload);
  std::vector<double> v = r.f64s();
  r.expect_end();
  return v;
}

inline std::string encode_result(const SolveResult& s) {
  Writer w;
  w.u32(s.circuit_loads);
  w.u32(s.alters);
  w.u32(s.stepped ? 1 : 0);
  w.f64s(s.node_volts);
  w.f64s(s.twin_volts);
  return w.take();
}

inline SolveResult decode_result(std::string_view payload) {
  Reader r(payload);
  SolveResult s;
  s.circuit_loads = r.u32();
  s.alters = r.u32();
  s.stepped = r.u32() != 0;
  s.node_volts = r.f64s();
  s.twin_volts = r.f64s();
  r.expect_end();
  return s;
}

inline std::string encode_error(const ErrorReply& e) {
  Writer w;
  w.u32(static_cast<std::uint32_t>(e.error_class));
  w.str(e.id);
  w.str(e.where);
  w.str(e.message);
  return w.take();
}

inline ErrorReply decode_error(std::string_view payload) {
  Reader r(payload);
  ErrorReply e;
  e.error_class = r.u32() == 0 ? ErrorClass::Input : ErrorClass::Simulation;
  e.id = r.str();
  e.where = r.str();
  e.message = r.str();
  r.expect_end();
  return e;
}

inline std::string encode_ready(const Ready& m) {
  Writer w;
  w.u32(m.pid);
  w.str(m.private_dir);
  return w.take();
}

inline Ready decode_ready(std::string_view payload) {
  Reader r(payload);
  Ready m;
  m.pid = r.u32();
  m.private_dir = r.str();
  r.expect_end();
  return m;
}

inline std::string encode_u32(std::uint32_t v) {
  Writer w;
  w.u32(v);
  return w.take();
}

inline std::uint32_t decode_u32(std::string_view payload) {
  Reader r(payload);
  const std::uint32_t v = r.u32();
  r.expect_end();
  return v;
}

// Name prefix of every worker's private directory (under the temp directory).
inline constexpr const char* kPrivateDirPrefix = "spiceloop-ngspice-";

// Error ids shared by both sides.
inline constexpr const char* kWorkerCrashed = "spice.worker_crashed";
inline constexpr const char* kWorkerTimeout = "spice.worker_timeout";
inline constexpr const char* kSolveFailed = "spice.solve_failed";
inline constexpr const char* kPhysicsCheck = "spice.physics_check";
inline constexpr const char* kUnsafeInit = "spice.unsafe_init";
inline constexpr const char* kControlledExit = "spice.controlled_exit";
inline constexpr const char* kBadRequest = "spice.bad_request";

}  // namespace spiceloop::protocol
