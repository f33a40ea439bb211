// Memristor edges under the Updater (update.hpp, issue 17): each update becomes pulses, the run's
// drawn device decides the outcome, stuck devices never move, drift ages unprogrammed devices,
// and the config refuses modes and parameters that pulses cannot follow.
#include <catch2/catch.hpp>

#include <cmath>

#include "emulator/core/error.hpp"
#include "emulator/learning/config.hpp"
#include "emulator/learning/rules/update.hpp"
#include "tests/common/networks.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinRel;

namespace {

constexpr double kStep = 1e-6;

// random_network with every edge a trainable memristor in [1e-6, 1e-4] S at 5e-5 S.
Network memristor_network(PulseModel model, MemristorParams extra = {}) {
  Network net = test::random_network(3);
  for (Edge& e : net.edges) {
    e.kind = ElementKind::Memristor;
    e.trainable = true;
    e.siemens = e.programmed_siemens = 5e-5;
    e.min_siemens = 1e-6;
    e.max_siemens = 1e-4;
    e.memristor = extra;
    e.memristor.model = model;
    e.memristor.step_siemens = kStep;
  }
  return net;
}

}  // namespace

TEST_CASE("memristor updates: continuous mode sends round(alpha g / step) pulses, at most max_pulses",
          "[update][memristor]") {
  Network net = memristor_network(PulseModel::ConstantStep);
  UpdateSpec spec;
  spec.max_pulses = 5;
  const Updater up(spec, net, 1);
  up.place_devices(net);
  Rng rng(1);
  std::vector<double> g(net.edges.size(), 0.0);
  g[0] = 3.2e-6;   // alpha = 1: 3.2 steps -> 3 pulses
  g[1] = -1.6e-6;  // -> -2 pulses
  g[2] = 1e-3;     // 1000 steps, capped at 5
  const std::vector<double> dk = up.apply(net, g, 1.0, rng);
  CHECK_THAT(dk[0], WithinRel(3 * kStep, 1e-9));
  CHECK_THAT(dk[1], WithinRel(-2 * kStep, 1e-9));
  CHECK_THAT(dk[2], WithinRel(5 * kStep, 1e-9));
  CHECK(dk[3] == 0.0);
}

TEST_CASE("memristor updates: the sign rule is one pulse toward sign(g)", "[update][memristor]") {
  MemristorParams asym;
  asym.up_down = 0.5;
  Network net = memristor_network(PulseModel::ConstantStep, asym);
  UpdateSpec spec;
  spec.mode = UpdateMode::Sign;
  const Updater up(spec, net, 1);
  Rng rng(1);
  std::vector<double> g(net.edges.size(), 0.0);
  g[0] = 1e-9, g[1] = -1e-9;
  const std::vector<double> dk = up.apply(net, g, 123.0, rng);
  CHECK_THAT(dk[0], WithinRel(1.5 * kStep, 1e-9));
  CHECK_THAT(dk[1], WithinRel(-0.5 * kStep, 1e-9));
}

TEST_CASE("memristor updates: stuck devices sit at their bound and never move", "[update][memristor]") {
  MemristorParams p;
  p.stuck_on_rate = 0.3;
  p.stuck_off_rate = 0.3;
  p.step_noise = 0.2;
  p.spread = 0.1;
  Network net = memristor_network(PulseModel::SoftBounds, p);
  const Updater up(UpdateSpec{}, net, 9);
  up.place_devices(net);
  int stuck = 0;
  std::vector<double> start = net.conductances();
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    const MemristorDevice& d = up.device(j);
    if (d.stuck == Stuck::On) CHECK(net.edges[j].siemens == d.max_siemens);
    if (d.stuck == Stuck::Off) CHECK(net.edges[j].siemens == d.min_siemens);
    stuck += d.stuck != Stuck::None;
  }
  REQUIRE(stuck > 0);
  REQUIRE(stuck < static_cast<int>(net.edges.size()));
  Rng rng(2);
  for (int step = 0; step < 50; ++step) {
    std::vector<double> g(net.edges.size(), step % 2 ? 2e-5 : -3e-5);
    up.apply(net, g, 1.0, rng);
  }
  int moved = 0;
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    if (up.device(j).stuck != Stuck::None) CHECK(net.edges[j].siemens == start[j]);
    else moved += net.edges[j].siemens != start[j];
    CHECK(up.within_bounds(j, net.edges[j], net.edges[j].siemens, 0));
  }
  CHECK(moved > 0);
}

TEST_CASE("memristor updates: unprogrammed devices drift down from their programmed value, programmed ones restart",
          "[update][memristor]") {
  MemristorParams p;
  p.drift_nu = 0.1;
  p.drift_t0_seconds = 2.0;
  p.seconds_per_update = 1.0;
  Network net = memristor_network(PulseModel::ConstantStep, p);
  const Updater up(UpdateSpec{}, net, 1);
  up.place_devices(net);
  Rng rng(1);
  std::vector<double> none(net.edges.size(), 0.0);
  for (int step = 1; step <= 10; ++step) up.apply(net, none, 1.0, rng);
  CHECK(net.edges[0].seconds_since_programmed == 10.0);
  CHECK_THAT(net.edges[0].siemens, WithinRel(5e-5 * std::pow(10.0 / 2.0, -0.1), 1e-12));
  std::vector<double> g(net.edges.size(), 0.0);
  g[0] = kStep;  // one pulse up from the drifted value
  const double drifted = net.edges[0].siemens;
  up.apply(net, g, 1.0, rng);
  CHECK_THAT(net.edges[0].siemens, WithinRel(drifted + kStep, 1e-12));
  CHECK(net.edges[0].programmed_siemens == net.edges[0].siemens);
  CHECK(net.edges[0].seconds_since_programmed == 0.0);
  CHECK(net.edges[1].seconds_since_programmed == 11.0);
}

TEST_CASE("memristor updates: the same seed draws the same devices and noise; another seed others",
          "[update][memristor]") {
  MemristorParams p;
  p.spread = 0.3;
  p.step_noise = 0.2;
  p.up_down = 0.1;
  const auto run = [&](std::uint64_t seed) {
    Network net = memristor_network(PulseModel::PowerStep, p);
    const Updater up(UpdateSpec{}, net, seed);
    up.place_devices(net);
    Rng rng = Rng::stream(seed, RandomStream::Training);
    for (int step = 0; step < 20; ++step) {
      std::vector<double> g(net.edges.size(), step % 3 ? 4e-6 : -6e-6);
      up.apply(net, g, 1.0, rng);
    }
    return net.conductances();
  };
  CHECK(run(4) == run(4));
  CHECK(run(4) != run(5));
}

TEST_CASE("memristor updates: the config refuses quantised mode, another parameter and a bad max_pulses",
          "[update][memristor][config]") {
  const Network net = memristor_network(PulseModel::SoftBounds);
  const auto expect = [&](const nlohmann::json& update, const std::string& where) {
    TrainConfig c;
    c.update.mode = update.value("mode", "continuous") == "quantised" ? UpdateMode::Quantised : UpdateMode::Continuous;
    c.update.parameter = update.value("parameter", "") == "resistance" ? Parameter::Resistance : Parameter::Conductance;
    try {
      validate_against_network(c, net);
      FAIL("accepted " << update.dump());
    } catch (const InputError& e) {
      CHECK(e.id() == "config.invalid");
      CHECK(e.where() == where);
    }
  };
  expect({{"mode", "quantised"}}, "/update/mode");
  expect({{"parameter", "resistance"}}, "/update/parameter");
}
