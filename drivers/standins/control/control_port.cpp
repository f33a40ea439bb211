#include "drivers/standins/control/control_port.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "emulator/core/error.hpp"
#include "emulator/core/json_text.hpp"

namespace spiceloop::standins {

using nlohmann::json;

namespace {

// A bad request is an InputError of this kind, answered as {"ok":false,"error":id,"detail":...}.
// Whatever the strict JSON text layer refuses is "bad_json".
const DocumentKind kControlRequest{.prefix = "control",
                                   .syntax = "bad_json",
                                   .too_deep = "bad_json",
                                   .duplicate_key = "bad_json",
                                   .number_overflow = "bad_json",
                                   .not_an_object = "not_an_object",
                                   .missing_key = "missing_field",
                                   .unknown_key = "unknown_field"};

struct CommandSpec {
  std::string name;
  std::vector<std::string> fields;  // besides "cmd"
  const char* help;
};

const std::vector<CommandSpec>& commands() {
  static const std::vector<CommandSpec> table{
      {"help", {}, "this list"},
      {"ports", {}, "every port: name, tcp_port or pty, connections, faults; and whether the group is paused"},
      {"truth", {}, "the hidden truth: node_volts, edge_ohms (true, with tolerances), edge_codes (digipots), solves"},
      {"pause", {}, "instrument ports stop running input (held, run after resume)"},
      {"resume", {}, "run what was held and serve again"},
      {"fault", {"port", "kind", "ms", "on", "code", "detail", "bytes", "seed"},
       "port + kind: delay {ms}, silence {on=true}, drop, error {code, detail}, garbage {bytes, seed=0}, clear"},
      {"reseed", {"seed"}, "restart the bench's realism generator from seed (redraws tolerances)"},
      {"reset", {}, "source setpoints 0 V and every output off, as at power-on"},
      {"traffic", {"since", "max"}, "traffic log entries with sequence >= since (default 0), at most max"},
      {"abort", {"port"}, "stop the command the port runs now at its next step (a learning clock between cycles)"},
  };
  return table;
}

struct FaultKind {
  std::string name;
  std::vector<std::string> required;
  std::vector<std::string> optional;
};

const std::vector<FaultKind>& fault_kinds() {
  static const std::vector<FaultKind> table{
      {"delay", {"ms"}, {}},        {"silence", {}, {"on"}},           {"drop", {}, {}},
      {"error", {"code"}, {"detail"}}, {"garbage", {"bytes"}, {"seed"}}, {"clear", {}, {}},
  };
  return table;
}

double number_field(const JsonObject& request, std::string_view name, double min, double max) {
  const double x = request.number(name);
  if (!(x >= min && x <= max))
    request.fail("out_of_range", name,
                 fmt::format("field \"{}\" must lie in {}..{}, not {}", name, json(min).dump(), json(max).dump(),
                             request.at(name).dump()));
  return x;
}

std::int64_t integer_field(const JsonObject& request, std::string_view name, std::int64_t min, std::int64_t max) {
  const std::int64_t x = request.integer(name);
  if (x < min || x > max)
    request.fail("out_of_range", name, fmt::format("field \"{}\" must lie in {}..{}, not {}", name, min, max, x));
  return x;
}

json ok() { return json{{"ok", true}}; }

std::string dump_line(const json& j) {
  // Traffic texts may hold any bytes: invalid UTF-8 becomes U+FFFD rather than an exception.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

ControlPort::ControlPort(Bench& bench, server::ServerGroup& group, std::mutex& bench_mutex, ControlLimits limits)
    : bench_(bench), group_(group), bench_mutex_(bench_mutex), limits_(limits) {}

void ControlPort::feed(std::string_view bytes) {
  for (;;) {
    const std::size_t nl = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, nl);
    if (!discarding_) {
      if (line_.size() + piece.size() > limits_.max_line_bytes) {
        discarding_ = true;
        std::string().swap(line_);
      } else {
        line_.append(piece);
      }
    }
    if (nl == std::string_view::npos) return;
    bytes.remove_prefix(nl + 1);
    if (discarding_) {
      discarding_ = false;
      answer(dump_line({{"ok", false},
                        {"error", "control.line_too_long"},
                        {"detail", "a line may hold at most " + std::to_string(limits_.max_line_bytes) +
                                       " bytes; the line was discarded"}}));
      continue;
    }
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    // A blank line (a stray Enter in nc) asks nothing and answers nothing.
    if (line_.find_first_not_of(" \t") != std::string::npos) answer(handle(line_));
    line_.clear();
  }
}

void ControlPort::answer(std::string_view line) {
  if (output_.size() + line.size() + 1 <= limits_.max_output_bytes) {
    output_.append(line).push_back('\n');
    return;
  }
  // A client that sends requests without reading answers: memory stays bounded; say so once.
  if (!overrun_noted_)
    output_ += R"({"ok":false,"error":"control.output_overrun","detail":"the answers to one read passed )"
               R"(the output limit; the rest were dropped: ask for less at a time"})" "\n";
  overrun_noted_ = true;
}

std::string ControlPort::take_output() {
  overrun_noted_ = false;
  return std::exchange(output_, {});
}

std::string ControlPort::handle(std::string_view line) {
  json answer;
  try {
    const json request = parse_json_text(line, "request", kControlRequest);
    answer = run(JsonObject(request, kControlRequest, JsonOrigin{"request", ""}, "", "a request"));
  } catch (const InputError& e) {
    // The request's own errors carry this port's ids; anything else comes from the bench.
    if (e.id().starts_with(kControlRequest.prefix + "."))
      answer = {{"ok", false}, {"error", e.id()}, {"detail", e.where() + ": " + e.message()}};
    else
      answer = {{"ok", false}, {"error", "control.bench_failed"}, {"detail", e.what()}};
  } catch (const spiceloop::Error& e) {
    answer = {{"ok", false}, {"error", "control.bench_failed"}, {"detail", e.what()}};
  } catch (const std::exception& e) {
    answer = {{"ok", false}, {"error", "control.internal"}, {"detail", e.what()}};
  }
  try {
    return dump_line(answer);
  } catch (...) {
    return R"({"ok":false,"error":"control.internal","detail":"answer could not be written"})";
  }
}

json ControlPort::run(const JsonObject& request) {
  const auto& table = commands();
  std::vector<std::string_view> names;
  for (const auto& s : table) names.push_back(s.name);
  const std::string cmd = request.member("cmd").choice(names, "unknown_cmd");
  const auto spec = std::find_if(table.begin(), table.end(), [&](const CommandSpec& s) { return s.name == cmd; });
  std::vector<std::string_view> allowed{"cmd"};
  allowed.insert(allowed.end(), spec->fields.begin(), spec->fields.end());
  request.allow_only(allowed);

  if (cmd == "help") {
    json list = json::object();
    for (const auto& s : table) list[s.name] = s.help;
    json out = ok();
    out["commands"] = std::move(list);
    return out;
  }
  if (cmd == "ports") return ports();
  if (cmd == "truth") return truth();
  if (cmd == "pause" || cmd == "resume") {
    if (cmd == "pause") group_.pause();
    else group_.resume();
    json out = ok();
    out["paused"] = group_.paused();
    return out;
  }
  if (cmd == "fault") return fault(request);
  if (cmd == "abort") {
    json out = ok();
    out["running"] = group_.abort(port_index(request));
    return out;
  }
  if (cmd == "reseed") {
    const std::uint64_t seed = request.unsigned_integer("seed");
    const auto lock = group_.lock(bench_mutex_);
    bench_.reseed(seed);
    return ok();
  }
  if (cmd == "reset") {
    const auto lock = group_.lock(bench_mutex_);
    bench_.reset_sources();
    return ok();
  }
  return traffic(request);
}

json ControlPort::truth() {
  json node_volts = json::object(), edge_ohms = json::object(), edge_codes = json::object();
  std::uint64_t solves = 0;
  {
    const auto lock = group_.lock(bench_mutex_);
    const State& state = bench_.truth();
    const Network& net = bench_.network();
    const std::vector<double> siemens = bench_.true_conductances();
    for (int n = 0; n < net.node_count(); ++n)
      node_volts[net.node_names[static_cast<std::size_t>(n)]] = state.node_volts.at(static_cast<std::size_t>(n));
    for (std::size_t j = 0; j < net.edges.size(); ++j) {
      const Edge& e = net.edges[j];
      if (!e.is_linear()) continue;  // a diode has no one resistance
      edge_ohms[e.name] = 1.0 / siemens.at(j);
      if (e.kind == ElementKind::Digipot) edge_codes[e.name] = e.code;
    }
    solves = bench_.solve_count();
  }
  json out = ok();
  out["node_volts"] = std::move(node_volts);
  out["edge_ohms"] = std::move(edge_ohms);
  out["edge_codes"] = std::move(edge_codes);
  out["solves"] = solves;
  return out;
}

json ControlPort::ports() {
  json list = json::array();
  for (std::size_t i = 0; i < group_.size(); ++i) {
    const server::FaultState f = group_.faults(i).state();
    json p{{"name", group_.name(i)},
           {"connections", group_.connection_count(i)},
           {"unsent_bytes", group_.unsent_bytes(i)},
           {"error_queue", group_.has_error_queue(i)},
           {"busy", group_.busy(i)},
           {"faults",
            {{"latency_ms", std::chrono::duration<double, std::milli>(f.latency).count()},
             {"delay_ms", std::chrono::duration<double, std::milli>(f.delay).count()},
             {"silence", f.silence},
             {"garbage_bytes", f.garbage_bytes}}}};
    if (const std::string pty = group_.pty_path(i); !pty.empty()) p["pty"] = pty;
    else p["tcp_port"] = group_.port(i);
    list.push_back(std::move(p));
  }
  json out = ok();
  out["ports"] = std::move(list);
  out["paused"] = group_.paused();
  return out;
}

std::size_t ControlPort::port_index(const JsonObject& request) {
  std::vector<std::string> port_names;
  for (std::size_t i = 0; i < group_.size(); ++i) port_names.push_back(group_.name(i));
  const std::string port_name =
      request.member("port").choice(std::vector<std::string_view>(port_names.begin(), port_names.end()), "unknown_port");
  return *group_.find(port_name);
}

json ControlPort::fault(const JsonObject& request) {
  const std::size_t index = port_index(request);
  const std::string& port_name = group_.name(index);
  const auto& kinds = fault_kinds();
  std::vector<std::string_view> kind_names;
  for (const auto& k : kinds) kind_names.push_back(k.name);
  const std::string kind_name = request.member("kind").choice(kind_names, "unknown_kind");
  const auto kind = std::find_if(kinds.begin(), kinds.end(), [&](const FaultKind& k) { return k.name == kind_name; });
  std::vector<std::string_view> allowed{"cmd", "port", "kind"};
  allowed.insert(allowed.end(), kind->required.begin(), kind->required.end());
  allowed.insert(allowed.end(), kind->optional.begin(), kind->optional.end());
  request.allow_only(allowed);

  // A delay, silence, drop or garbage on the control port would cut off the one connection that
  // can clear it; "clear" there is harmless and lets a script clear every port in a loop.
  if (!group_.accepts_faults(index) && kind_name != "clear")
    request.fail("protected_port", "port",
                 "port \"" + port_name + "\" is the control port: a fault on it would lock out the connection that "
                 "clears faults; fault an instrument port instead");
  server::PortFaults& faults = group_.faults(index);
  if (kind_name == "delay") {
    const double max_ms = std::chrono::duration<double, std::milli>(server::PortFaults::max_delay).count();
    const double ms = number_field(request, "ms", 0.0, max_ms);
    faults.set_delay(std::chrono::microseconds(std::llround(ms * 1000.0)));
  } else if (kind_name == "silence") {
    faults.set_silence(request.boolean("on", true));
  } else if (kind_name == "drop") {
    group_.drop(index);
  } else if (kind_name == "error") {
    const auto code = static_cast<int>(integer_field(request, "code", -32768, 32767));
    if (code == 0) request.fail("out_of_range", "code", "field \"code\" must not be 0 (\"No error\")");
    const std::string detail = request.string("detail", "");
    if (!group_.has_error_queue(index))
      request.fail("no_error_queue", "port", "port \"" + port_name + "\" does not speak SCPI; it has no error queue");
    group_.inject_error(index, code, detail);
  } else if (kind_name == "garbage") {
    const auto bytes = static_cast<std::size_t>(
        integer_field(request, "bytes", 1, static_cast<std::int64_t>(server::PortFaults::max_garbage_bytes)));
    const std::uint64_t seed = request.unsigned_integer("seed", 0);
    faults.arm_garbage(bytes, seed);
  } else {
    faults.clear();
  }
  return ok();
}

json ControlPort::traffic(const JsonObject& request) {
  const std::uint64_t since = request.unsigned_integer("since", 0);
  const auto max = request.has("max")
                       ? static_cast<std::size_t>(integer_field(request, "max", 1,
                                                                static_cast<std::int64_t>(limits_.max_traffic_entries)))
                       : limits_.max_traffic_entries;
  const server::TrafficPage page = group_.traffic().since(since, max);
  json entries = json::array();
  for (const auto& e : page.entries)
    entries.push_back({{"seq", e.sequence},
                       {"steady_us", e.steady_us},
                       {"system_us", e.system_us},
                       {"port", e.port},
                       {"conn", e.connection},
                       {"dir", server::direction_name(e.direction)},
                       {"text", e.text},
                       {"bytes", e.bytes}});
  json out = ok();
  out["entries"] = std::move(entries);
  out["next"] = page.next;
  out["dropped"] = page.dropped;
  return out;
}

server::EndpointFactory control_endpoints(Bench& bench, server::ServerGroup& group, std::mutex& bench_mutex,
                                          ControlLimits limits) {
  return [&bench, &group, &bench_mutex, limits] {
    return std::make_unique<ControlPort>(bench, group, bench_mutex, limits);
  };
}

std::size_t add_control_port(server::ServerGroup& group, Bench& bench, std::mutex& bench_mutex,
                             std::optional<std::uint16_t> port, ControlLimits limits) {
  server::PortOptions options;
  options.host = "127.0.0.1";
  options.port = port;
  options.pausable = false;
  options.logged = false;
  options.accepts_faults = false;
  options.refusal = [](const std::string& reason) {
    return dump_line({{"ok", false}, {"error", "control.too_many_connections"}, {"detail", reason}}) + "\n";
  };
  return group.add_protocol("control", control_endpoints(bench, group, bench_mutex, limits), {}, options);
}

}  // namespace spiceloop::standins
