// The memristor's pulse models, drift and read (memristor.hpp): bounds respected, soft bounds and
// power steps shrinking toward each bound, up/down asymmetry, the statistics of cycle-to-cycle
// noise and device-to-device spread, reproducibility by seed, stuck devices never moving.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "emulator/network/memristor.hpp"

using namespace spiceloop;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

constexpr double kLo = 1e-6, kHi = 1e-4, kStep = 2e-6;

MemristorParams params(PulseModel model) {
  MemristorParams p;
  p.model = model;
  p.step_siemens = kStep;
  return p;
}

}  // namespace

TEST_CASE("memristor models: every model stays within its bounds however many pulses", "[network][memristor]") {
  for (PulseModel model : {PulseModel::ConstantStep, PulseModel::SoftBounds, PulseModel::PowerStep}) {
    MemristorParams p = params(model);
    p.step_noise = 0.5;
    p.gamma = 0.5;
    const MemristorDevice d = nominal_memristor(p, kLo, kHi);
    Rng noise(3);
    double g = 5e-5;
    for (int round = 0; round < 20; ++round) {
      g = apply_pulses(d, p, g, round % 2 ? -200 : 200, noise);
      CHECK(g >= kLo);
      CHECK(g <= kHi);
    }
  }
}

TEST_CASE("memristor models: constant steps move by step (1 +- up_down) until the bound",
          "[network][memristor]") {
  MemristorParams p = params(PulseModel::ConstantStep);
  p.up_down = 0.25;
  const MemristorDevice d = nominal_memristor(p, kLo, kHi);
  Rng noise(1);
  CHECK_THAT(apply_pulses(d, p, 5e-5, 1, noise) - 5e-5, WithinRel(kStep * 1.25, 1e-9));
  CHECK_THAT(5e-5 - apply_pulses(d, p, 5e-5, -1, noise), WithinRel(kStep * 0.75, 1e-9));
  CHECK_THAT(apply_pulses(d, p, 5e-5, 10, noise) - 5e-5, WithinRel(10 * kStep * 1.25, 1e-9));
  CHECK(apply_pulses(d, p, 9.9e-5, 1, noise) == kHi);  // clipped, not past
}

TEST_CASE("memristor models: soft bounds shrink the step linearly toward each bound", "[network][memristor]") {
  const MemristorParams p = params(PulseModel::SoftBounds);
  const MemristorDevice d = nominal_memristor(p, kLo, kHi);
  const double mid = 0.5 * (kLo + kHi), near_top = kLo + 0.9 * (kHi - kLo);
  CHECK_THAT(pulse_step_siemens(d, p.model, kLo, true), WithinRel(kStep, 1e-12));
  CHECK_THAT(pulse_step_siemens(d, p.model, mid, true), WithinRel(0.5 * kStep, 1e-12));
  CHECK_THAT(pulse_step_siemens(d, p.model, near_top, true), WithinRel(0.1 * kStep, 1e-9));
  CHECK(pulse_step_siemens(d, p.model, kHi, true) == 0.0);
  CHECK_THAT(pulse_step_siemens(d, p.model, near_top, false), WithinRel(-0.9 * kStep, 1e-9));
  CHECK(pulse_step_siemens(d, p.model, kLo, false) == 0.0);
  // Many pulses up approach the bound without reaching it.
  Rng noise(1);
  const double g = apply_pulses(d, p, kLo, 300, noise);
  CHECK(g < kHi);
  CHECK(g > kHi - 0.01 * (kHi - kLo));
}

TEST_CASE("memristor models: power steps follow ((G_max - G) / range)^gamma", "[network][memristor]") {
  MemristorParams p = params(PulseModel::PowerStep);
  p.gamma = 3.0;
  const MemristorDevice d = nominal_memristor(p, kLo, kHi);
  const double x = 0.3, g = kLo + x * (kHi - kLo);
  CHECK_THAT(pulse_step_siemens(d, p.model, g, true), WithinRel(kStep * std::pow(1 - x, 3.0), 1e-9));
  CHECK_THAT(pulse_step_siemens(d, p.model, g, false), WithinRel(-kStep * std::pow(x, 3.0), 1e-9));
  p.gamma = 1.0;  // gamma = 1 is soft bounds
  const MemristorDevice linear = nominal_memristor(p, kLo, kHi);
  CHECK_THAT(pulse_step_siemens(linear, p.model, g, true),
             WithinRel(pulse_step_siemens(linear, PulseModel::SoftBounds, g, true), 1e-12));
}

TEST_CASE("memristor models: asymmetry makes ten up then ten down pulses end 20 step up_down from the start",
          "[network][memristor]") {
  for (double up_down : {-0.2, 0.2}) {
    MemristorParams p = params(PulseModel::ConstantStep);
    p.up_down = up_down;
    const MemristorDevice d = nominal_memristor(p, kLo, kHi);
    Rng noise(1);
    const double start = 2e-5;  // 100 steps up stay below the upper bound
    const double end = apply_pulses(d, p, apply_pulses(d, p, start, 10, noise), -10, noise);
    CHECK_THAT(end - start, WithinRel(10 * kStep * 2 * up_down, 1e-9));
  }
}

TEST_CASE("memristor models: cycle-to-cycle noise has the asked relative spread and zero mean",
          "[network][memristor]") {
  MemristorParams p = params(PulseModel::ConstantStep);
  p.step_noise = 0.3;
  const MemristorDevice d = nominal_memristor(p, kLo, kHi);
  Rng noise(11);
  const int n = 20000;
  double sum = 0.0, sum2 = 0.0;
  for (int i = 0; i < n; ++i) {
    const double rel = (apply_pulses(d, p, 5e-5, 1, noise) - 5e-5) / kStep - 1.0;
    sum += rel, sum2 += rel * rel;
  }
  const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
  CHECK_THAT(mean, WithinAbs(0.0, 4 * 0.3 / std::sqrt(double(n))));
  CHECK_THAT(sd, WithinRel(0.3, 0.03));
}

TEST_CASE("memristor models: devices are drawn the same from the same seed, differently from another",
          "[network][memristor]") {
  MemristorParams p = params(PulseModel::SoftBounds);
  p.spread = 0.2;
  p.stuck_on_rate = 0.1;
  p.stuck_off_rate = 0.1;
  const auto draw = [&](std::uint64_t seed) {
    Rng rng = Rng::stream(seed, RandomStream::Devices);
    std::vector<MemristorDevice> out;
    for (int i = 0; i < 2000; ++i) out.push_back(draw_memristor(p, kLo, kHi, rng));
    return out;
  };
  const auto a = draw(7), b = draw(7), c = draw(8);
  int stuck_on = 0, stuck_off = 0, differ = 0;
  double sum = 0.0, sum2 = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].step_up_siemens == b[i].step_up_siemens);
    CHECK(a[i].max_siemens == b[i].max_siemens);
    CHECK(a[i].stuck == b[i].stuck);
    differ += a[i].step_up_siemens != c[i].step_up_siemens;
    stuck_on += a[i].stuck == Stuck::On;
    stuck_off += a[i].stuck == Stuck::Off;
    const double rel = a[i].max_siemens / kHi - 1.0;
    sum += rel, sum2 += rel * rel;
    CHECK(a[i].min_siemens < a[i].max_siemens);
  }
  CHECK(differ == 2000);
  // Binomial(2000, 0.1): mean 200, sd 13.4.
  CHECK(std::abs(stuck_on - 200) < 60);
  CHECK(std::abs(stuck_off - 200) < 60);
  CHECK_THAT(std::sqrt(sum2 / 2000 - (sum / 2000) * (sum / 2000)), WithinRel(0.2, 0.1));
}

TEST_CASE("memristor models: a stuck device never moves and draws no noise", "[network][memristor]") {
  MemristorParams p = params(PulseModel::ConstantStep);
  p.step_noise = 0.5;
  MemristorDevice d = nominal_memristor(p, kLo, kHi);
  d.stuck = Stuck::Off;
  Rng noise(5), untouched(5);
  CHECK(apply_pulses(d, p, kLo, 31, noise) == kLo);
  CHECK(noise.next() == untouched.next());
}

TEST_CASE("memristor models: drift follows (t / t0)^-nu after t0 and nothing before", "[network][memristor]") {
  CHECK(drift_factor(0.05, 20.0, 10.0) == 1.0);
  CHECK_THAT(drift_factor(0.05, 20.0, 2000.0), WithinRel(std::pow(100.0, -0.05), 1e-12));
  CHECK(drift_factor(0.0, 20.0, 2000.0) == 1.0);
}

TEST_CASE("memristor models: the sinh read has small-signal conductance G and the analytic derivatives",
          "[network][memristor]") {
  Edge e;
  e.kind = ElementKind::Memristor;
  e.siemens = 3e-5;
  e.memristor.read_volts = 0.25;
  const MemristorPoint small = memristor_point(e, 1e-6, 0.0);
  CHECK_THAT(small.amps, WithinRel(3e-5 * 1e-6, 1e-9));
  const MemristorPoint p = memristor_point(e, 0.3, -0.2);
  CHECK_THAT(p.amps, WithinRel(3e-5 * 0.25 * std::sinh(2.0), 1e-12));
  const double h = 1e-7;
  CHECK_THAT(p.d_volts, WithinRel((memristor_point(e, 0.3 + h, -0.2).amps - memristor_point(e, 0.3 - h, -0.2).amps) /
                                      (2 * h),
                                  1e-6));
  CHECK_THAT(p.d_siemens, WithinRel(p.amps / e.siemens, 1e-12));
}
