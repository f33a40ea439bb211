// Resolving the experiment's "network" through the network loader, so that every network a run
// trains is validated exactly like one given to `spiceloop solve`.
#include "emulator/core/error.hpp"
#include "emulator/core/suggest.hpp"
#include "emulator/learning/config.hpp"
#include "emulator/network/load.hpp"

namespace spiceloop {

Network resolve_network(const TrainConfig& c) {
  switch (c.network.kind) {
    case NetworkSource::Kind::File: {
      std::error_code ec;
      if (!std::filesystem::is_regular_file(c.network.file, ec))
        throw InputError("config.missing_file", JsonOrigin{c.source, ""}.where(c.network.pointer),
                         missing_file_message(c.network.file, c.network.relative, "experiment"));
      return load_network_file(c.network.file.string());
    }
    case NetworkSource::Kind::Generator:
    case NetworkSource::Kind::Inline: return parse_network(c.network.document, c.source, c.network.pointer);
  }
  return {};
}

}  // namespace spiceloop
