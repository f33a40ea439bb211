#pragma once
// IEEE 488.2 common commands and the SCPI SYSTem error/version queries, registered into an
// instrument's tree over its Status: *IDN? (maker,model,serial,firmware), *RST (calls the reset
// hook; the error queue and enable masks stay), *CLS, *OPC, *OPC? (answer 1 once wait_pending
// returns), *WAI, *ESR? (read and clear), *ESE, *ESE?, *SRE, *SRE?, *STB?, *TST? (self_test's
// code, 0 = pass), *TRG (the trigger hook; -211 without one), SYSTem:ERRor[:NEXT]?,
// SYSTem:ERRor:COUNt?, SYSTem:VERSion? (1999.0). Registers 0..255, outside -222.
// The handlers keep references: `status` must outlive the tree.
#include <functional>
#include <string>
#include <string_view>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/status.hpp"

namespace spiceloop::scpi {

struct Identity {
  std::string maker;
  std::string model;
  std::string serial;
  std::string firmware;
};

struct CommonHooks {
  std::function<void()> reset{};
  std::function<void()> wait_pending{};  // returns once pending simulation work is done
  std::function<int()> self_test{};
  std::function<void()> trigger{};
};

void add_common_commands(CommandTree& tree, Status& status, Identity identity, CommonHooks hooks = {});

// True when a program message (a line without its `\n`) has a `*RST` unit (`*rst`, `:*RST`,
// `*CLS;*RST`): the line that aborts what the instrument runs (IEEE 488.2 *RST ends pending
// operations). Units are split at every `;`, quoted or not: a false match only ends a long command.
bool is_reset_message(std::string_view message);

}  // namespace spiceloop::scpi
