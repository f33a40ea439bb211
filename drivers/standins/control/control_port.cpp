#include "drivers/standins/control/control_port.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "emulator/core/error.hpp"

namespace spiceloop::standins {

using nlohmann::json;

namespace {

// Thrown inside a request, answered as {"ok":false,"error":id,"detail":detail}.
struct ControlError {
  std::string id;
  std::string detail;
};

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

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string unknown(const char* what, std::string_view word, const std::vector<std::string>& known) {
  std::string detail = std::string(what) + " \"" + std::string(word) + "\"";
  if (const std::string near = closest_name(word, known); !near.empty()) detail += "; did you mean \"" + near + "\"?";
  return detail + " (known: " + joined(known) + ")";
}

const json& required(const json& request, const std::string& name) {
  const auto it = request.find(name);
  if (it == request.end()) throw ControlError{"control.missing_field", "field \"" + name + "\" is required"};
  return *it;
}

[[noreturn]] void wrong_type(const std::string& name, const char* wanted, const json& value) {
  throw ControlError{"control.wrong_type",
                     "field \"" + name + "\" must be " + wanted + ", not " + std::string(value.type_name())};
}

std::string string_field(const json& request, const std::string& name) {
  const json& v = required(request, name);
  if (!v.is_string()) wrong_type(name, "a string", v);
  return v.get<std::string>();
}

double number_field(const json& request, const std::string& name, double min, double max) {
  const json& v = required(request, name);
  if (!v.is_number()) wrong_type(name, "a number", v);
  const double x = v.get<double>();
  if (!(x >= min && x <= max))
    throw ControlError{"control.out_of_range", "field \"" + name + "\" must lie in " + json(min).dump() + ".." +
                                                   json(max).dump() + ", not " + v.dump()};
  return x;
}

std::int64_t integer_field(const json& request, const std::string& name, std::int64_t min, std::int64_t max) {
  const json& v = required(request, name);
  if (!v.is_number_integer()) wrong_type(name, "an integer", v);
  const bool too_big = v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max);
  const std::int64_t x = too_big ? max : v.get<std::int64_t>();
  if (too_big || x < min || x > max)
    throw ControlError{"control.out_of_range", "field \"" + name + "\" must lie in " + std::to_string(min) + ".." +
                                                   std::to_string(max) + ", not " + v.dump()};
  return x;
}

std::uint64_t unsigned_field(const json& request, const std::string& name) {
  const json& v = required(request, name);
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer())
    throw ControlError{"control.out_of_range", "field \"" + name + "\" must not be negative, not " + v.dump()};
  wrong_type(name, "a non-negative integer", v);
}

void check_fields(const json& request, const std::vector<std::string>& allowed, const std::string& where) {
  for (const auto& [key, value] : request.items()) {
    if (key == "cmd" || std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::vector<std::string> known{"cmd"};
    known.insert(known.end(), allowed.begin(), allowed.end());
    throw ControlError{"control.unknown_field", unknown(("field of " + where + ":").c_str(), key, known)};
  }
}

json ok() { return json{{"ok", true}}; }

std::string dump_line(const json& j) {
  // Traffic texts may hold any bytes: invalid UTF-8 becomes U+FFFD rather than an exception.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string closest_name(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 4;  // more than 3 edits away is no suggestion
  for (const auto& c : candidates) {
    // Levenshtein distance, one row at a time.
    std::vector<std::size_t> row(c.size() + 1);
    for (std::size_t j = 0; j <= c.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= c.size(); ++j) {
        const std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (word[i - 1] == c[j - 1] ? 0u : 1u)});
        diagonal = up;
      }
    }
    if (row[c.size()] < best_distance) {
      best_distance = row[c.size()];
      best = c;
    }
  }
  return best;
}

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
    json request;
    try {
      request = json::parse(line);
    } catch (const json::parse_error& e) {
      throw ControlError{"control.bad_json", e.what()};
    }
    answer = run(request);
  } catch (const ControlError& e) {
    answer = {{"ok", false}, {"error", e.id}, {"detail", e.detail}};
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

json ControlPort::run(const json& request) {
  if (!request.is_object())
    throw ControlError{"control.not_an_object",
                       "a request is one JSON object such as {\"cmd\":\"help\"}, not " + std::string(request.type_name())};
  const std::string cmd = string_field(request, "cmd");
  const auto& table = commands();
  const auto spec = std::find_if(table.begin(), table.end(), [&](const CommandSpec& s) { return s.name == cmd; });
  if (spec == table.end()) {
    std::vector<std::string> names;
    for (const auto& s : table) names.push_back(s.name);
    throw ControlError{"control.unknown_cmd", unknown("cmd", cmd, names)};
  }
  check_fields(request, spec->fields, "\"" + cmd + "\"");

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
  if (cmd == "reseed") {
    const std::uint64_t seed = unsigned_field(request, "seed");
    std::lock_guard lock(bench_mutex_);
    bench_.reseed(seed);
    return ok();
  }
  if (cmd == "reset") {
    std::lock_guard lock(bench_mutex_);
    bench_.reset_sources();
    return ok();
  }
  return traffic(request);
}

json ControlPort::truth() {
  json node_volts = json::object(), edge_ohms = json::object(), edge_codes = json::object();
  std::uint64_t solves = 0;
  {
    std::lock_guard lock(bench_mutex_);
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
           {"error_queue", group_.has_error_queue(i)},
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

json ControlPort::fault(const json& request) {
  const std::string port_name = string_field(request, "port");
  const std::string kind_name = string_field(request, "kind");
  const auto index = group_.find(port_name);
  if (!index) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < group_.size(); ++i) names.push_back(group_.name(i));
    throw ControlError{"control.unknown_port", unknown("port", port_name, names)};
  }
  const auto& kinds = fault_kinds();
  const auto kind = std::find_if(kinds.begin(), kinds.end(), [&](const FaultKind& k) { return k.name == kind_name; });
  if (kind == kinds.end()) {
    std::vector<std::string> names;
    for (const auto& k : kinds) names.push_back(k.name);
    throw ControlError{"control.unknown_kind", unknown("fault kind", kind_name, names)};
  }
  std::vector<std::string> allowed{"port", "kind"};
  allowed.insert(allowed.end(), kind->required.begin(), kind->required.end());
  allowed.insert(allowed.end(), kind->optional.begin(), kind->optional.end());
  check_fields(request, allowed, "fault \"" + kind_name + "\"");

  server::PortFaults& faults = group_.faults(*index);
  if (kind_name == "delay") {
    const double max_ms = std::chrono::duration<double, std::milli>(server::PortFaults::max_delay).count();
    const double ms = number_field(request, "ms", 0.0, max_ms);
    faults.set_delay(std::chrono::microseconds(std::llround(ms * 1000.0)));
  } else if (kind_name == "silence") {
    bool on = true;
    if (request.contains("on")) {
      if (!request["on"].is_boolean()) wrong_type("on", "true or false", request["on"]);
      on = request["on"].get<bool>();
    }
    faults.set_silence(on);
  } else if (kind_name == "drop") {
    group_.drop(*index);
  } else if (kind_name == "error") {
    const auto code = static_cast<int>(integer_field(request, "code", -32768, 32767));
    if (code == 0) throw ControlError{"control.out_of_range", "field \"code\" must not be 0 (\"No error\")"};
    std::string detail;
    if (request.contains("detail")) detail = string_field(request, "detail");
    if (!group_.has_error_queue(*index))
      throw ControlError{"control.no_error_queue", "port \"" + port_name + "\" does not speak SCPI; it has no error queue"};
    group_.inject_error(*index, code, detail);
  } else if (kind_name == "garbage") {
    const auto bytes = static_cast<std::size_t>(
        integer_field(request, "bytes", 1, static_cast<std::int64_t>(server::PortFaults::max_garbage_bytes)));
    const std::uint64_t seed = request.contains("seed") ? unsigned_field(request, "seed") : 0;
    faults.arm_garbage(bytes, seed);
  } else {
    faults.clear();
  }
  return ok();
}

json ControlPort::traffic(const json& request) {
  const std::uint64_t since = request.contains("since") ? unsigned_field(request, "since") : 0;
  const auto max = request.contains("max")
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
  return group.add_protocol("control", control_endpoints(bench, group, bench_mutex, limits), {}, options);
}

}  // namespace spiceloop::standins
