#include "drivers/scpi/common_commands.hpp"

#include <memory>

#include "drivers/scpi/error.hpp"
#include "drivers/scpi/parameters.hpp"
#include "drivers/scpi/response.hpp"

namespace spiceloop::scpi {

void add_common_commands(CommandTree& tree, Status& status, Identity identity, CommonHooks hooks_in) {
  auto hooks = std::make_shared<const CommonHooks>(std::move(hooks_in));
  Status* s = &status;
  const std::string idn = identity.maker + "," + identity.model + "," + identity.serial + "," + identity.firmware;
  const CommandOptions one{.min_params = 1, .max_params = 1};

  tree.add("*IDN?", [idn](Call& c) { c.respond(idn); });
  tree.add("*RST", [hooks](Call&) {
    if (hooks->reset) hooks->reset();
  });
  tree.add("*CLS", [s](Call&) { s->clear(); });
  tree.add("*OPC", [s, hooks](Call&) {
    if (hooks->wait_pending) hooks->wait_pending();
    s->set_esr_bits(esr_bit::operation_complete);
  });
  tree.add("*OPC?", [hooks](Call& c) {
    if (hooks->wait_pending) hooks->wait_pending();
    c.respond("1");
  });
  tree.add("*WAI", [hooks](Call&) {
    if (hooks->wait_pending) hooks->wait_pending();
  });
  tree.add("*ESR?", [s](Call& c) { c.respond(nr1(s->read_and_clear_esr())); });
  tree.add("*ESE", [s](Call& c) { s->ese = static_cast<std::uint8_t>(c.integer(0, 0, 255)); }, one);
  tree.add("*ESE?", [s](Call& c) { c.respond(nr1(s->ese)); });
  tree.add("*SRE", [s](Call& c) { s->sre = static_cast<std::uint8_t>(c.integer(0, 0, 255) & ~0x40); }, one);
  tree.add("*SRE?", [s](Call& c) { c.respond(nr1(s->sre)); });
  tree.add("*STB?", [s](Call& c) { c.respond(nr1(s->stb())); });
  tree.add("*TST?", [hooks](Call& c) { c.respond(nr1(hooks->self_test ? hooks->self_test() : 0)); });
  tree.add("*TRG", [hooks](Call&) {
    if (!hooks->trigger) throw Error(err::trigger_ignored);
    hooks->trigger();
  });
  tree.add("SYSTem:ERRor[:NEXT]?", [s](Call& c) { c.respond(s->errors().pop_formatted()); });
  tree.add("SYSTem:ERRor:COUNt?", [s](Call& c) { c.respond(nr1(static_cast<std::int64_t>(s->errors().size()))); });
  tree.add("SYSTem:VERSion?", [](Call& c) { c.respond("1999.0"); });
}

bool is_reset_message(std::string_view message) {
  while (!message.empty()) {
    const std::size_t end = message.find(';');
    std::string_view unit = message.substr(0, end);
    while (!unit.empty() && (is_space(unit.front()) || unit.front() == '\r')) unit.remove_prefix(1);
    while (!unit.empty() && (is_space(unit.back()) || unit.back() == '\r')) unit.remove_suffix(1);
    if (!unit.empty() && unit.front() == ':') unit.remove_prefix(1);
    if (unit.size() == 4 && unit[0] == '*' && (unit[1] | 0x20) == 'r' && (unit[2] | 0x20) == 's' &&
        (unit[3] | 0x20) == 't')
      return true;
    if (end == std::string_view::npos) break;
    message.remove_prefix(end + 1);
  }
  return false;
}

}  // namespace spiceloop::scpi
