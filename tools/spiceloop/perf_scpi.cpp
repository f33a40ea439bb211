// spiceloop perf scpi: query round trips to the instrument stand-ins on loopback (median, p99,
// queries per second) for *IDN?, a 64-channel scan and a digipot write, 64 clients at once, and
// hardware-in-the-loop training steps per second against the in-process run; *IDN? on every other
// port while the learning network runs a long clock, beside the same without it, and the abort.
// With --panels N, the same instruments' latency with N front-panel pages open (and one that never
// reads) beside a lab without a panel, in one run, and their ratio.
#include <algorithm>
#include <barrier>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "drivers/client/hil/addresses.hpp"
#include "drivers/client/hil/hil_simulator.hpp"
#include "drivers/client/scpi_client.hpp"
#include "drivers/standins/lab/lab.hpp"
#include "emulator/bench/bench_config.hpp"
#include "emulator/core/error.hpp"
#include "emulator/core/json_text.hpp"
#include "emulator/learning/config.hpp"
#include "emulator/learning/trainer.hpp"
#include "emulator/network/load.hpp"
#include "tools/spiceloop/bundled.hpp"
#include "tools/spiceloop/commands.hpp"
#include "tools/spiceloop/lab_panel.hpp"
#include "tools/spiceloop/panel_load.hpp"
#include "tools/spiceloop/perf.hpp"

namespace spiceloop::cli {

namespace {

struct PerfScpiArgs {
  int repetitions = 2000;
  int clients = 64;
  int queries_per_client = 200;
  int hil_steps = 300;
  int panels = 0;
  double clock_seconds = 30;
  BackendChoice backend;
};

struct Stats {
  std::size_t n = 0;
  double median_us = 0, p99_us = 0, per_second = 0;
};

Stats summarise(std::vector<double> seconds, double wall_seconds) {
  Stats s;
  s.n = seconds.size();
  if (seconds.empty()) return s;
  std::sort(seconds.begin(), seconds.end());
  s.median_us = seconds[seconds.size() / 2] * 1e6;
  s.p99_us = seconds[std::min(seconds.size() - 1, seconds.size() * 99 / 100)] * 1e6;
  s.per_second = static_cast<double>(seconds.size()) / wall_seconds;
  return s;
}

// Times `query` n times on one connection, after a few untimed warm-up rounds.
Stats time_queries(const std::function<void()>& query, int n) {
  for (int i = 0; i < 20; ++i) query();
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(n));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    query();
    samples.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return summarise(std::move(samples), std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

void row(const std::string& what, const Stats& s) {
  fmt::print("{:<44} {:>7} {:>11.1f} {:>10.1f} {:>10.0f}\n", what, s.n, s.median_us, s.p99_us, s.per_second);
}

std::string visa(const standins::Lab& lab, std::string_view name) {
  for (const auto& a : lab.addresses())
    if (a.name == name) return a.address;
  throw InputError("perf.no_instrument", std::string(name), "the bench serves no such instrument");
}

void expect(bool ok, const std::string& what) {
  if (!ok) throw SimulationError("perf.scpi_answer", "perf scpi", what);
}

// The round trips a lab is timed on with and without panels: *IDN? and a digipot write followed by
// a 9-channel scan (a re-solve), each on its own connection.
struct LatencyPair {
  Stats idn, write_scan;
};

LatencyPair time_lab(standins::Lab& lab, int n) {
  client::ScpiClient source(visa(lab, "source"));
  client::ScpiClient pots(visa(lab, "digipots"));
  client::ScpiClient scanner(visa(lab, "scanner"));
  scanner.write("*RST;CONF:VOLT:DC (@101:109);:FORM:DATA REAL,64");
  LatencyPair r;
  r.idn = time_queries([&] { expect(!source.query("*IDN?").empty(), "*IDN?"); }, n);
  int code = 10;
  r.write_scan = time_queries([&] {
    code = code == 10 ? 11 : 10;
    pots.write(fmt::format("DPOT:CODE {},(@1)", code));
    expect(scanner.query_real64("READ?").size() == 9, "9 readings");
  }, n / 4);
  return r;
}

// Two labs on the same bench, one with a panel that N pages (and one stuck page) watch; timed in
// alternating rounds so that both see the same machine.
void panels_section(const PerfScpiArgs& a) {
  auto plain_sim = make_simulator(a.backend);
  auto panel_sim = make_simulator(a.backend);
  standins::LabOptions options;
  options.pty = false;
  const std::string bench = bundled_file("netlists/benches/lab16_hil.json").string();
  standins::Lab plain(load_bench_file(bench), *plain_sim, options);
  std::unique_ptr<LabPanel> front_panel;  // before the lab: it outlives the lab's io thread
  standins::Lab watched(load_bench_file(bench), *panel_sim, options);
  front_panel = std::make_unique<LabPanel>(watched, panel::PanelOptions{}, 0);
  plain.start();
  watched.start();
  auto load = std::make_unique<PanelLoad>(front_panel->port(), a.panels);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<double> idn[2], write_scan[2];
  for (int round = 0; round < 4; ++round)
    for (int k = 0; k < 2; ++k) {
      const int which = (round + k) % 2;  // ABBA...: neither lab always goes first
      const LatencyPair p = time_lab(which == 0 ? plain : watched, a.repetitions / 2);
      idn[which].push_back(p.idn.median_us), write_scan[which].push_back(p.write_scan.median_us);
    }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  fmt::print("\nThe same instruments with {} panel pages open and one that never reads (lab16_hil, medians of "
             "4 alternating rounds of per-round medians, us):\n",
             a.panels);
  fmt::print("{:<44} {:>11} {:>11} {:>7}\n", "round trip", "no panel", "panels", "ratio");
  fmt::print("{:<44} {:>11.1f} {:>11.1f} {:>7.2f}\n", "*IDN? (source)", median(idn[0]), median(idn[1]),
             median(idn[1]) / median(idn[0]));
  fmt::print("{:<44} {:>11.1f} {:>11.1f} {:>7.2f}\n", "digipot write + READ? 9 channels (re-solve)",
             median(write_scan[0]), median(write_scan[1]), median(write_scan[1]) / median(write_scan[0]));
  fmt::print("pages: {} of {} still open, {:.1f} frames/s each, {:.0f} kB/s in all; panel connections now {} "
             "(the stuck page is dropped after 5 s)\n",
             load->open_pages(), a.panels, static_cast<double>(load->frames()) / seconds / a.panels,
             static_cast<double>(load->bytes()) / seconds / 1e3,
             static_cast<unsigned>(watched.group().connection_count(*watched.group().find("panel"))));
  load.reset();
  watched.stop();
  plain.stop();
}

std::string control_visa(const standins::Lab& lab) {
  const std::string address = visa(lab, "control");  // host:port
  return "TCPIP0::" + address.substr(0, address.find(':')) + "::" + address.substr(address.find(':') + 1) + "::SOCKET";
}

// *IDN? round trips on every other SCPI port of the lab, and the control port's "ports", first
// with the lab idle, then while the network port runs learning clocks for `seconds` (the control
// port then aborts them): median and p99 side by side, the clock's rate, and how long the abort took.
void clock_rows(standins::Lab& lab, double seconds, int repetitions) {
  struct Target {
    std::string name;
    std::unique_ptr<client::ScpiClient> client;
    std::string ask;
    std::vector<double> idle, clocked;
  };
  std::vector<Target> targets;
  for (const auto& a : lab.addresses())
    if (const auto i = lab.group().find(a.name); a.name != "network" && lab.group().has_error_queue(*i))
      targets.push_back({a.name + " *IDN?", std::make_unique<client::ScpiClient>(a.address), "*IDN?", {}, {}});
  client::ClientOptions json_lines;
  json_lines.clear_on_connect = false;  // the control port speaks JSON lines, not SCPI: no *CLS
  targets.push_back({"control {\"cmd\":\"ports\"}", std::make_unique<client::ScpiClient>(control_visa(lab), json_lines),
                     R"({"cmd":"ports"})", {}, {}});
  const auto round = [&](bool clocked) {
    for (Target& t : targets) {
      const auto t0 = std::chrono::steady_clock::now();
      expect(!t.client->query(t.ask).empty(), t.name);
      (clocked ? t.clocked : t.idle).push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
  };
  for (int i = 0; i < 20; ++i) round(false);
  for (Target& t : targets) t.idle.clear();
  for (int i = 0; i < repetitions; ++i) round(false);

  client::ScpiClient network(visa(lab, "network"));
  network.write("*RST;*CLS");
  auto t0 = std::chrono::steady_clock::now();
  expect(network.query("LEARN:CLOCK 500;*OPC?") == "1", "a short clock");
  const double alone_per_second = 500 / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // More clocks than the time allows (LEARn:CLOCk takes at most 100000 a command); the abort ends them.
  const int commands = std::clamp(static_cast<int>(2 * alone_per_second * seconds / 100000) + 2, 2, 1000);
  std::string clocks;
  for (int i = 0; i < commands; ++i) clocks += ":LEARN:CLOCK 100000;";
  network.set_timeout(std::chrono::milliseconds(static_cast<long long>(seconds * 1000)) + std::chrono::minutes(2));
  const long long before = static_cast<long long>(network.query_numbers("LEARN:CLOCK:COUNT?").at(0));
  std::chrono::steady_clock::time_point clock_done;
  std::string opc;
  std::thread clocking([&] {
    opc = network.query(clocks + "*OPC?");
    clock_done = std::chrono::steady_clock::now();
  });
  Target& control = targets.back();
  const auto network_busy = [&] {
    const auto ports = nlohmann::json::parse(control.client->query(R"({"cmd":"ports"})"));
    for (const auto& p : ports.at("ports"))
      if (p.at("name") == "network") return p.at("busy").get<bool>();
    return false;
  };
  const auto abort_clock = [&] {
    return nlohmann::json::parse(control.client->query(R"({"cmd":"abort","port":"network"})")).at("running") == true;
  };
  double window = 0;
  bool running_at_end = false, aborted = false;
  std::chrono::steady_clock::time_point abort_at;
  try {
    while (!network_busy()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    t0 = std::chrono::steady_clock::now();
    const auto until = t0 + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) round(true);
    window = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    running_at_end = network_busy();
    abort_at = std::chrono::steady_clock::now();
    aborted = abort_clock();
  } catch (...) {
    abort_clock();
    clocking.join();
    throw;
  }
  clocking.join();
  expect(running_at_end && aborted, "the clock still runs when the window ends, and the control port aborts it");
  expect(opc == "1", "*OPC? after the aborted clock");
  const double abort_ms = std::chrono::duration<double, std::milli>(clock_done - abort_at).count();
  const long long cycles = static_cast<long long>(network.query_numbers("LEARN:CLOCK:COUNT?").at(0)) - before;
  const auto errors = network.read_errors();
  expect(!errors.empty(), "the aborted clock queued an error");

  fmt::print("\nWhile the network port runs a learning clock ({:.0f} s, then aborted through the control port): "
             "round trips on the other ports\n",
             seconds);
  fmt::print("{:<44} {:>7} {:>11} {:>10} {:>7} {:>11} {:>10}\n", "round trip", "n idle", "median us", "p99 us",
             "n clock", "median us", "p99 us");
  for (Target& t : targets) {
    const Stats idle = summarise(std::move(t.idle), 1), clocked = summarise(std::move(t.clocked), 1);
    fmt::print("{:<44} {:>7} {:>11.1f} {:>10.1f} {:>7} {:>11.1f} {:>10.1f}\n", t.name, idle.n, idle.median_us,
               idle.p99_us, clocked.n, clocked.median_us, clocked.p99_us);
  }
  fmt::print("clock: {} cycles in {:.1f} s while probed ({:.0f} cycles/s; {:.0f} cycles/s alone before); "
             "abort to *OPC? answer: {:.1f} ms; error queued: {}\n",
             cycles, window, cycles / window, alone_per_second, abort_ms, errors.front().text);
}

void run(const PerfScpiArgs& a) {
  auto sim = make_simulator(a.backend);
  auto scan_sim = make_simulator(a.backend);
  standins::LabOptions options;
  options.pty = false;
  standins::Lab lab(load_bench_file(bundled_file("netlists/benches/lab16_hil.json").string()), *sim, options);
  standins::Lab scan_lab(load_bench_file(bundled_file("netlists/benches/scan64.json").string()), *scan_sim, options);
  lab.start();
  scan_lab.start();

  fmt::print("spiceloop perf scpi: stand-ins on 127.0.0.1 ({} backend), C++ client (drivers/client), "
             "one connection unless said\n\n",
             a.backend.backend);
  fmt::print("{:<44} {:>7} {:>11} {:>10} {:>10}\n", "round trip", "n", "median us", "p99 us", "q/s");

  client::ScpiClient source(visa(lab, "source"));
  row("*IDN? (source)", time_queries([&] { expect(!source.query("*IDN?").empty(), "*IDN?"); }, a.repetitions));

  client::ScpiClient scanner(visa(scan_lab, "scanner"));
  scanner.write("*RST;CONF:VOLT:DC (@101:164)");
  scanner.check_errors();
  row("READ? 64 channels, ASCII", time_queries([&] {
        expect(scanner.query_numbers("READ?").size() == 64, "64 ASCII readings");
      }, a.repetitions));
  scanner.write("FORM:DATA REAL,64");
  row("READ? 64 channels, REAL,64 block", time_queries([&] {
        expect(scanner.query_real64("READ?").size() == 64, "64 binary readings");
      }, a.repetitions));

  client::ScpiClient pots(visa(lab, "digipots"));
  int code = 10;
  row("DPOT:CODE <c>,(@1);*OPC? (digipot write)", time_queries([&] {
        code = code == 10 ? 11 : 10;
        expect(pots.query(fmt::format("DPOT:CODE {},(@1);*OPC?", code)) == "1", "*OPC? after a digipot write");
      }, a.repetitions));
  client::ScpiClient lab_scanner(visa(lab, "scanner"));
  lab_scanner.write("*RST;CONF:VOLT:DC (@101:109);:FORM:DATA REAL,64");
  row("digipot write + READ? 9 channels (re-solve)", time_queries([&] {
        code = code == 10 ? 11 : 10;
        pots.write(fmt::format("DPOT:CODE {},(@1)", code));
        expect(lab_scanner.query_real64("READ?").size() == 9, "9 readings");
      }, a.repetitions / 4));

  // Many clients at once, each on its own connection and thread, all asking *IDN?.
  const std::string address = visa(lab, "source");
  std::vector<std::vector<double>> per_client(static_cast<std::size_t>(a.clients));
  std::barrier start(a.clients + 1);
  std::vector<std::thread> threads;
  for (int c = 0; c < a.clients; ++c)
    threads.emplace_back([&, c] {
      client::ScpiClient cl(address);
      cl.query("*IDN?");
      start.arrive_and_wait();
      auto& samples = per_client[static_cast<std::size_t>(c)];
      for (int i = 0; i < a.queries_per_client; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        cl.query("*IDN?");
        samples.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      }
    });
  start.arrive_and_wait();
  const auto t0 = std::chrono::steady_clock::now();
  for (auto& t : threads) t.join();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<double> all;
  for (auto& s : per_client) all.insert(all.end(), s.begin(), s.end());
  row(fmt::format("*IDN?, {} clients at once", a.clients), summarise(std::move(all), wall));
  fmt::print("\nA bench instrument answers in milliseconds; the stand-ins' medians above are what a loopback "
             "round trip costs.\n");
  if (a.clock_seconds > 0) clock_rows(lab, a.clock_seconds, a.repetitions / 4);

  // Hardware in the loop: the sign-rule experiment trained through the sockets (sources, scanner,
  // digipot bank of the lab above) against the same run in-process on the lab's backend kind.
  const std::string experiment = bundled_file("netlists/experiments/sign_rule.json").string();
  nlohmann::json doc = load_json_file(experiment, kConfigDocument);
  doc["epochs"] = 1000000000;
  const auto dir = bundled_file("netlists/experiments");
  const TrainConfig config = parse_train_config(doc, dir.string(), "sign_rule.json");
  const auto steps_per_second = [&](Simulator& s) {
    Trainer trainer(config, resolve_network(config), s);
    trainer.step();  // load and first codes outside the timing
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < a.hil_steps; ++i) trainer.step();
    return a.hil_steps / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  hil::HilSimulator hil_sim(hil::parse_addresses(lab.addresses_json(bundled_file("netlists/benches/lab16_hil.json").string()),
                                                 "perf scpi", dir.string()));
  const double over_sockets = steps_per_second(hil_sim);
  auto in_process_sim = make_simulator(a.backend);
  const double in_process = steps_per_second(*in_process_sim);
  fmt::print("\nHIL training (sign_rule, twin CL on lab16_hil, {} steps): {:.0f} steps/s through the sockets, "
             "{:.0f} steps/s in-process ({}), ratio {:.2f}\n",
             a.hil_steps, over_sockets, in_process, a.backend.backend, over_sockets / in_process);
  if (a.panels > 0) panels_section(a);
}

}  // namespace

void add_perf_scpi(CLI::App& perf) {
  auto args = std::make_shared<PerfScpiArgs>();
  auto* cmd = perf.add_subcommand("scpi", "Stand-in round trips on loopback (median, p99, q/s), 64 clients, HIL steps/s");
  cmd->add_option("--repetitions", args->repetitions, "Timed queries per row")->capture_default_str();
  cmd->add_option("--clients", args->clients, "Connections at once for the many-clients row")->capture_default_str();
  cmd->add_option("--queries-per-client", args->queries_per_client, "Queries each of those clients sends")
      ->capture_default_str();
  cmd->add_option("--hil-steps", args->hil_steps, "Training steps timed through the sockets and in-process")
      ->capture_default_str();
  cmd->add_option("--panels", args->panels, "Also time the instruments with this many front-panel pages open")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  cmd->add_option("--clock-seconds", args->clock_seconds,
                  "How long the learning clock runs while the other ports are probed (0: skip that part)")
      ->capture_default_str();
  add_backend_options(*cmd, args->backend);
  cmd->callback([args] { run(*args); });
}

}  // namespace spiceloop::cli
