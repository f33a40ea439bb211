#include "drivers/panel/bench_feed.hpp"

#include <cmath>

#include "drivers/panel/graph.hpp"

namespace spiceloop::panel {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

const char* rule_label(RuleKind k, UpdateMode u) {
  if (u == UpdateMode::Sign) return "SIGN";
  switch (k) {
    case RuleKind::CoupledLearning: return "CL";
    case RuleKind::EquilibriumPropagation: return "EP";
    case RuleKind::CenteredEquilibriumPropagation: return "EP centered";
  }
  return "";
}

double milliseconds(std::chrono::microseconds us) { return std::chrono::duration<double, std::milli>(us).count(); }

// Texts in a frame are cut: a block of readings would otherwise fill it.
std::string cut(const std::string& text, std::size_t max_bytes = 160) {
  if (text.size() <= max_bytes) return text;
  std::size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;  // not inside a UTF-8 sequence
  return text.substr(0, n) + "...";
}

}  // namespace

BenchFeed::BenchFeed(BenchView view) : view_(std::move(view)) {}

json BenchFeed::graph() {
  auto lock = view_.group.lock(view_.bench_mutex);  // announced: a running learning clock hands over at its next cycle
  json g = graph_json(view_.bench.network());
  g["kind"] = "bench";
  g["title"] = view_.title.empty() ? view_.bench.config().name : view_.title;
  return g;
}

json BenchFeed::actions() const {
  if (!view_.control) return json::array();
  return {"pause", "resume", "fault", "reseed"};
}

json BenchFeed::act(const json& request) {
  static const std::vector<std::string> allowed = {"pause", "resume", "fault", "reseed"};
  if (!view_.control) return refusal("no_actions", "this panel takes no actions");
  const auto cmd = request.find("cmd");
  if (cmd == request.end() || !cmd->is_string() ||
      std::find(allowed.begin(), allowed.end(), cmd->get<std::string>()) == allowed.end())
    return refusal("unknown_action", "the panel's actions are pause, resume, fault and reseed");
  // The control port parses and checks it as it does any request of its own clients.
  const json answer = json::parse(view_.control(request.dump()), nullptr, false);
  return answer.is_object() ? answer : refusal("control_failed", "the control port gave no answer");
}

json BenchFeed::values() {
  json out;
  std::vector<double> siemens;
  {
    auto lock = view_.group.lock(view_.bench_mutex);  // announced: a running learning clock hands over at its next cycle
    Bench& b = view_.bench;
    const Network& net = b.network();
    siemens = b.true_conductances();
    json codes = json::array();
    for (const Edge& e : net.edges) codes.push_back(e.kind == ElementKind::Digipot ? json(e.code) : json(nullptr));
    out["edges"] = {{"siemens", siemens}, {"code", std::move(codes)}};
    try {
      out["nodes"] = {{"volts", b.truth().node_volts}};
    } catch (const std::exception& e) {
      out["error"] = e.what();
    }
    out["solves"] = b.solve_count();
    sample_clock();
    out["instruments"] = instruments();
  }
  // Latest change per edge, for the outline that fades after it.
  const auto now = Clock::now();
  if (last_siemens_.size() != siemens.size()) {
    last_siemens_ = siemens;
    change_.assign(siemens.size(), 0.0);
    changed_at_.assign(siemens.size(), std::nullopt);
  }
  json change = json::array(), age = json::array();
  for (std::size_t j = 0; j < siemens.size(); ++j) {
    if (siemens[j] != last_siemens_[j]) {
      change_[j] = siemens[j] - last_siemens_[j];
      changed_at_[j] = now;
      last_siemens_[j] = siemens[j];
    }
    change.push_back(change_[j]);
    age.push_back(changed_at_[j] ? json(std::chrono::duration<double>(now - *changed_at_[j]).count()) : json(nullptr));
  }
  out["edges"]["change"] = std::move(change);
  out["edges"]["age_s"] = std::move(age);

  json ports = json::array();
  server::ServerGroup& g = view_.group;
  for (std::size_t i = 0; i < g.size(); ++i) {
    const server::FaultState f = g.faults(i).state();
    json faults = json::object();
    if (f.delay.count() > 0) faults["delay_ms"] = milliseconds(f.delay);
    if (f.latency.count() > 0) faults["latency_ms"] = milliseconds(f.latency);
    if (f.silence) faults["silence"] = true;
    if (f.garbage_bytes > 0) faults["garbage_bytes"] = f.garbage_bytes;
    ports.push_back({{"name", g.name(i)},
                     {"connections", g.connection_count(i)},
                     {"errors", g.has_error_queue(i) ? json(g.error_count(i)) : json(nullptr)},
                     {"faults", std::move(faults)}});
  }
  out["ports"] = std::move(ports);
  out["paused"] = g.paused();
  out["traffic"] = traffic();
  return out;
}

// Under the bench mutex.
json BenchFeed::instruments() {
  Bench& b = view_.bench;
  const Network& net = b.network();
  json out = json::object();
  json channels = json::array();
  for (int ch = 1; ch <= b.source_channel_count(); ++ch) {
    json c = {{"channel", ch},
              {"node", net.node_names[static_cast<std::size_t>(b.source_node(ch))]},
              {"clamp", b.is_clamp_channel(ch)},
              {"on", b.output(ch)},
              {"setpoint_volts", b.source_volts(ch)},
              {"limit_amps", b.source_current_limit(ch)}};
    try {
      c["volts"] = b.source_output_volts(ch);
      c["mode"] = b.source_in_compliance(ch) ? "CC" : "CV";
      const SourceChannel& sc = b.config().source[static_cast<std::size_t>(ch - 1)];
      const State& s = b.truth();
      c["amps"] = sc.is_clamp() ? (s.output_amps.empty() ? 0.0 : s.output_amps.at(static_cast<std::size_t>(sc.output)))
                                : s.source_amps.at(static_cast<std::size_t>(sc.input));
    } catch (const std::exception&) {
    }
    channels.push_back(std::move(c));
  }
  out["source"] = {{"channels", std::move(channels)}};

  if (!b.config().scanner.empty()) {
    json readings = json::array();
    for (const ScannerChannel& c : b.config().scanner) {
      const auto v = b.last_scanner_volts(c.channel);
      readings.push_back({{"channel", c.channel},
                          {"node", net.node_names[static_cast<std::size_t>(c.plus)] +
                                       (c.minus ? " - " + net.node_names[static_cast<std::size_t>(c.minus)] : "")},
                          {"volts", v ? json(*v) : json(nullptr)}});
    }
    out["scanner"] = {{"readings", std::move(readings)}};
  }
  if (view_.digipots) {
    json pots = json::array();
    for (int ch : view_.digipots->channels()) {
      const DigipotChannel* c = b.find_digipot_channel(ch);
      pots.push_back({{"channel", ch},
                      {"edge", c ? net.edges[static_cast<std::size_t>(c->edge)].name : ""},
                      {"believed", view_.digipots->code(ch)},
                      {"true", b.digipot_code(ch)},
                      {"taps", b.digipot_taps(ch)}});
    }
    out["digipots"] = {{"channels", std::move(pots)}};
  }
  if (view_.clock) {
    LearningClock& c = *view_.clock;
    out["network"] = {{"clock", c.count()},   {"rule", rule_label(c.rule(), c.update_mode())},
                      {"eta", c.eta()},       {"beta_siemens", c.beta()},
                      {"alpha", c.alpha()},   {"targets", c.targets()}};
  }
  if (b.has_smu()) {
    const SmuSource& s = b.smu_source();
    json smu = {{"node", net.node_names[static_cast<std::size_t>(b.smu_node())]},
                {"function", s.function == SmuSource::Function::Volts ? "VOLT" : "CURR"},
                {"level", s.function == SmuSource::Function::Volts ? s.volts : s.amps},
                {"compliance", s.function == SmuSource::Function::Volts ? s.compliance_amps : s.compliance_volts},
                {"on", b.smu_output()}};
    try {
      smu["volts"] = b.smu_volts();
      smu["in_compliance"] = b.smu_in_compliance();
    } catch (const std::exception&) {
    }
    out["smu"] = std::move(smu);
  }
  return out;
}

// Under the bench mutex: one chart point whenever the clock has moved since the last frame.
void BenchFeed::sample_clock() {
  if (!view_.clock) return;
  LearningClock& c = *view_.clock;
  const std::int64_t count = c.count();
  if (count == sampled_clock_) return;
  if (count < sampled_clock_) charts_.clear();  // *RST of the network: a new run
  sampled_clock_ = count;
  ChartPoint p;
  p.step = static_cast<double>(count);
  try {
    p.loss = c.cost();
  } catch (const std::exception&) {
  }
  double q = 0.0;
  for (const Edge& e : view_.bench.network().edges)
    if (e.trainable && e.is_linear()) q += e.siemens * e.siemens;
  p.q = q;
  charts_.add(p);
}

json BenchFeed::traffic() {
  server::TrafficLog& log = view_.group.traffic();
  const std::uint64_t next = log.next_sequence();
  const std::uint64_t from = next > view_.traffic_tail ? next - view_.traffic_tail : 0;
  const server::TrafficPage page = log.since(from, view_.traffic_tail);
  json entries = json::array();
  for (const server::TrafficEntry& e : page.entries)
    entries.push_back({{"seq", e.sequence},
                       {"us", e.system_us},
                       {"port", e.port},
                       {"conn", e.connection},
                       {"dir", server::direction_name(e.direction)},
                       {"text", cut(e.text)}});
  return {{"next", page.next}, {"entries", std::move(entries)}};
}

}  // namespace spiceloop::panel
