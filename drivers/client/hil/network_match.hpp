// Whether the network to train is the one the instruments hold: the first difference that would
// make the trainer's edges, nodes, inputs or outputs mean something else there, as text ("node 3
// is 'n3' here and 'n4' on the bench"), or nullopt. Values the trainer sets (conductances, codes,
// gates) and input volts may differ. `there` names the other side ("on the bench", "on the board").
#pragma once

#include <optional>
#include <string>

#include "emulator/network/network.hpp"

namespace spiceloop::hil {

std::optional<std::string> network_difference(const Network& here, const Network& there_net, const std::string& there);

}  // namespace spiceloop::hil
