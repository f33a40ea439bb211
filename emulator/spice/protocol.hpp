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

#include <concepts>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "emulator/netlist/transient_deck.hpp"
#include "emulator/network/network.hpp"
#include "emulator/sim/simulator.hpp"

namespace spiceloop::protocol {

enum class MessageType : std::uint32_t {
  // parent -> worker
  LoadNetwork = 1,      // Network: stored; ngspice loads a circuit lazily, at the next Solve
  SetConductances = 2,  // std::vector<double>: per edge siemens or gate volts (diodes ignored), as Network::set_conductances; a loaded circuit is altered at once
  SetOptions = 3,       // SolverOptions; the next Solve reloads its circuit
  Solve = 4,            // Drive: sets the sources, runs `op`, replies Result with node voltages
  Fault = 5,            // WorkerFault: test hook
  Quit = 6,             // no reply; the worker removes its directory and exits
  Transient = 7,        // TransientCircuit for the loaded network: one `tran` of transient_deck.hpp's
                        // deck; replies TransientData (also when the run stopped early: complete = false)
  // worker -> parent
  Ready = 100,   // Ready: the worker's pid and private directory
  Ok = 101,      // empty
  Result = 102,  // SolveResult
  Error = 103,   // ErrorReply
  Log = 104,     // the bytes of one line of ngspice output (routine chatter filtered out)
  TransientData = 105,  // TransientResult
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

// Every accepted timepoint of a transient: times, and one column per transient_vectors() entry.
// A run ngspice could not finish (timestep too small, say) is complete = false with its failure
// line, ngspice's lines and the timepoints it reached: the caller keeps the partial trajectory.
struct TransientResult {
  bool complete = false;
  std::string failure;
  std::vector<std::string> lines;
  std::vector<double> times;
  std::vector<std::vector<double>> columns;
};

struct Ready {
  std::uint32_t pid = 0;
  std::string private_dir;  // already removed; for logs
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

// Payloads. Each payload type declares its fields once, in wire order, as fields(message, visit);
// one Writer and one Reader walk that list (encode / decode below), so the two sides cannot drift.
// Field encodings: int as i32, std::uint32_t as u32, bool as u32 0/1, an enum as u32 (decoding
// refuses values past its last), double as f64, a string as u32 length + bytes, a vector as u32
// count + its elements, a struct as its fields.

template <class M, class T>
concept Is = std::same_as<std::remove_const_t<M>, T>;

template <Is<Edge> M, class V>
void fields(M& e, V&& v) {
  v(e.name), v(e.a), v(e.b), v(e.kind), v(e.trainable), v(e.siemens), v(e.min_siemens), v(e.max_siemens),
      v(e.taps), v(e.r_ab_ohms), v(e.r_wiper_ohms), v(e.code), v(e.is_amps), v(e.emission), v(e.gate_volts),
      v(e.min_gate_volts), v(e.max_gate_volts), v(e.k_amps_per_volt2), v(e.threshold_volts), v(e.lambda_per_volt),
      v(e.memristor.read_volts);  // the worker reads memristors; their pulse model stays with the trainer
}
template <Is<Input> M, class V>
void fields(M& in, V&& v) {
  v(in.node), v(in.volts);
}
template <Is<Network> M, class V>
void fields(M& net, V&& v) {
  v(net.name), v(net.node_names), v(net.edges), v(net.inputs), v(net.outputs);
}
template <Is<SolverOptions> M, class V>
void fields(M& o, V&& v) {
  v(o.reltol), v(o.abstol_amps), v(o.vntol_volts), v(o.gmin_siemens), v(o.newton_max_iterations),
      v(o.kcl_tolerance), v(o.reuse_ordering);
}
template <Is<Drive> M, class V>
void fields(M& d, V&& v) {
  v(d.phase), v(d.input_volts), v(d.clamp_volts), v(d.nudge_amps), v(d.twin_eta), v(d.twin_targets);
}
template <Is<SolveResult> M, class V>
void fields(M& r, V&& v) {
  v(r.circuit_loads), v(r.alters), v(r.stepped), v(r.node_volts), v(r.twin_volts);
}
template <Is<Waveform> M, class V>
void fields(M& w, V&& v) {
  v(w.times), v(w.values);
}
template <Is<TransientCircuit> M, class V>
void fields(M& c, V&& v) {
  v(c.eta), v(c.inputs), v(c.targets), v(c.window_delay_seconds), v(c.window_edge_seconds), v(c.window_top_seconds),
      v(c.window_period_seconds), v(c.learn_rate), v(c.siemens_per_volt), v(c.initial_volts), v(c.node_farads),
      v(c.learning_farads), v(c.stop_seconds), v(c.max_step_seconds), v(c.tolerances);
  v(c.bias_amps), v(c.clamped_siemens_per_volt);  // the imperfect machine
  v(c.noise_amps_per_root_siemens), v(c.noise_seconds), v(c.noise_seed);  // Johnson noise
}
template <Is<TransientResult> M, class V>
void fields(M& r, V&& v) {
  v(r.complete), v(r.failure), v(r.lines), v(r.times), v(r.columns);
}
template <Is<ErrorReply> M, class V>
void fields(M& e, V&& v) {
  v(e.error_class), v(e.id), v(e.where), v(e.message);
}
template <Is<Ready> M, class V>
void fields(M& m, V&& v) {
  v(m.pid), v(m.private_dir);
}

// The last value of each enum on the wire, and its name for the error.
struct EnumLimit {
  std::uint32_t last;
  const char* name;
};
constexpr EnumLimit enum_limit(ElementKind) {
  return {static_cast<std::uint32_t>(ElementKind::Memristor), "element kind"};
}
constexpr EnumLimit enum_limit(Phase) { return {static_cast<std::uint32_t>(Phase::Twin), "phase"}; }
constexpr EnumLimit enum_limit(ErrorClass) { return {static_cast<std::uint32_t>(ErrorClass::Simulation), "error class"}; }
constexpr EnumLimit enum_limit(WorkerFault) {
  return {static_cast<std::uint32_t>(WorkerFault::HangInNextSolve), "worker fault"};
}

// Checks a decoded payload cannot break its reader: every node index of a network in range.
template <class T>
void check_decoded(const T&) {}
inline void check_decoded(const Network& net) {
  const int n = net.node_count();
  auto bad = [n](int v) { return v < 0 || v >= n; };
  for (const Edge& e : net.edges)
    if (bad(e.a) || bad(e.b)) throw ProtocolError("edge node out of range");
  for (const Input& in : net.inputs)
    if (bad(in.node)) throw ProtocolError("input node out of range");
  for (int o : net.outputs)
    if (bad(o)) throw ProtocolError("output node out of range");
}

class Writer {
 public:
  void operator()(std::uint32_t v) { raw(&v, 4); }
  void operator()(std::int32_t v) { raw(&v, 4); }
  void operator()(bool v) { (*this)(std::uint32_t{v ? 1u : 0u}); }
  void operator()(double v) { raw(&v, 8); }
  void operator()(std::string_view s) {
    (*this)(static_cast<std::uint32_t>(s.size()));
    buf_.append(s);
  }
  void operator()(const std::string& s) { (*this)(std::string_view(s)); }
  template <class E>
    requires std::is_enum_v<E>
  void operator()(E v) {
    (*this)(static_cast<std::uint32_t>(v));
  }
  template <class T>
  void operator()(const std::vector<T>& items) {
    (*this)(static_cast<std::uint32_t>(items.size()));
    if constexpr (std::is_same_v<T, double>)
      raw(items.data(), 8 * items.size());
    else
      for (const T& item : items) (*this)(item);
  }
  template <class M>
    requires std::is_class_v<M>
  void operator()(const M& message) {
    fields(message, *this);
  }
  std::string take() { return std::move(buf_); }

 private:
  void raw(const void* p, std::size_t n) { buf_.append(static_cast<const char*>(p), n); }
  std::string buf_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  void operator()(std::uint32_t& v) { raw(&v, 4); }
  void operator()(std::int32_t& v) { raw(&v, 4); }
  void operator()(bool& v) { v = u32() != 0; }
  void operator()(double& v) { raw(&v, 8); }
  void operator()(std::string& s) {
    const std::uint32_t n = u32();
    need(n);
    s.assign(in_.substr(pos_, n));
    pos_ += n;
  }
  template <class E>
    requires std::is_enum_v<E>
  void operator()(E& v) {
    const std::uint32_t x = u32();
    const EnumLimit limit = enum_limit(E{});
    if (x > limit.last) throw ProtocolError(std::string("bad ") + limit.name);
    v = static_cast<E>(x);
  }
  template <class T>
  void operator()(std::vector<T>& items) {
    const std::uint32_t n = u32();
    if constexpr (std::is_same_v<T, double>) {
      need(std::size_t{8} * n);
      items.resize(n);
      raw(items.data(), std::size_t{8} * n);
    } else {
      need(n);  // every element takes at least one byte: a corrupt count cannot allocate much
      items.resize(n);
      for (T& item : items) (*this)(item);
    }
  }
  template <class M>
    requires std::is_class_v<M>
  void operator()(M& message) {
    fields(message, *this);
  }
  void expect_end() const {
    if (pos_ != in_.size()) throw ProtocolError("trailing bytes in payload");
  }

 private:
  std::uint32_t u32() {
    std::uint32_t v;
    raw(&v, 4);
    return v;
  }
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

// The payload of a message: a payload struct above, std::vector<double> (SetConductances) or
// WorkerFault (Fault).
template <class T>
std::string encode(const T& payload) {
  Writer w;
  w(payload);
  return w.take();
}

// The whole payload must be one T: a short payload, trailing bytes, an enum out of range or a node
// index out of range throw ProtocolError.
template <class T>
T decode(std::string_view payload) {
  Reader r(payload);
  T value{};
  r(value);
  r.expect_end();
  check_decoded(value);
  return value;
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
