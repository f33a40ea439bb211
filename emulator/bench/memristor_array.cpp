#include "emulator/bench/memristor_array.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace spiceloop {

MemristorArray::MemristorArray(Bench& bench)
    : bench_(bench), noise_(Rng::stream(bench.config().pulser.value().seed, RandomStream::Training)) {
  const PulserConfig& p = *bench.config().pulser;
  max_count_ = p.max_count;
  seed_ = p.seed;
  std::vector<PulserChannel> sorted = p.channels;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.channel < b.channel; });
  for (const PulserChannel& c : sorted) channels_.push_back(c.channel), edges_.push_back(c.edge);

  const Network& net = bench.network();
  Rng device_rng = Rng::stream(seed_, RandomStream::Devices);  // as Updater draws them
  devices_.resize(net.edges.size());
  for (std::size_t j = 0; j < net.edges.size(); ++j) {
    const Edge& e = net.edges[j];
    file_siemens_.push_back(e.siemens);
    if (e.kind == ElementKind::Memristor) devices_[j] = draw_memristor(e.memristor, e.min_siemens, e.max_siemens, device_rng);
  }
  place();
}

void MemristorArray::place() {
  bench_.update_edges([this](std::vector<Edge>& edges) {
    for (std::size_t j = 0; j < edges.size(); ++j) {
      Edge& e = edges[j];
      if (!e.trainable || e.kind != ElementKind::Memristor) continue;  // as Updater::place_devices
      e.siemens = placed_siemens(devices_[j], file_siemens_[j]);
      e.programmed_siemens = e.siemens;
      e.seconds_since_programmed = 0.0;
    }
  });
}

void MemristorArray::preset() {
  noise_ = Rng::stream(seed_, RandomStream::Training);
  bench_.update_edges([this](std::vector<Edge>& edges) {
    for (std::size_t j = 0; j < edges.size(); ++j)
      if (edges[j].kind == ElementKind::Memristor) edges[j].siemens = file_siemens_[j];
  });
  place();
}

bool MemristorArray::has_channel(int channel) const {
  return std::binary_search(channels_.begin(), channels_.end(), channel);
}

std::size_t MemristorArray::index(int channel) const {
  const auto it = std::lower_bound(channels_.begin(), channels_.end(), channel);
  if (it == channels_.end() || *it != channel)
    throw std::out_of_range("memristor array: no pulser channel " + std::to_string(channel));
  return static_cast<std::size_t>(it - channels_.begin());
}

int MemristorArray::edge(int channel) const { return edges_[index(channel)]; }

const MemristorDevice& MemristorArray::device(int channel) const {
  return devices_[static_cast<std::size_t>(edge(channel))];
}

double MemristorArray::siemens(int channel) const {
  return bench_.network().edges[static_cast<std::size_t>(edge(channel))].siemens;
}

void MemristorArray::pulse(int channel, int pulses) {
  const auto j = static_cast<std::size_t>(edge(channel));
  if (std::abs(pulses) > max_count_)
    throw std::invalid_argument("memristor array: " + std::to_string(pulses) + " pulses beyond the maximum " +
                                std::to_string(max_count_));
  if (pulses == 0) return;
  bench_.update_edges([&](std::vector<Edge>& edges) {
    Edge& e = edges[j];
    e.siemens = apply_pulses(devices_[j], e.memristor, e.siemens, pulses, noise_);
    e.programmed_siemens = e.siemens;
  });
}

}  // namespace spiceloop
