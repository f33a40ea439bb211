// Resolving the experiment's "network" through the network loader, so that every network a run
// trains is validated exactly like one given to `spiceloop solve`.
#include "emulator/learning/config.hpp"
#include "emulator/network/load.hpp"

namespace spiceloop {

Network resolve_network(const TrainConfig& c) {
  switch (c.network.kind) {
    case NetworkSource::Kind::File: return load_network_file(c.network.file.string());
    case NetworkSource::Kind::Generator:
    case NetworkSource::Kind::Inline: return parse_network(c.network.document, c.source, c.network.pointer);
  }
  return {};
}

}  // namespace spiceloop
