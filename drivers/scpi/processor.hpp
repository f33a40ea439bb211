#pragma once
// Executes one program message (a line without its terminator) against a command tree.
// Units are separated by `;` (empty units are fine). A header is `[:]KEY[n][:KEY[n]]...[?]` or a
// common `[:]*XXX[?]`. Relative paths: a header without a leading `:` continues from the current
// node, which after each unit is the parent of its last keyword; each message starts at the root;
// common commands leave the path alone. Answers of the queries are joined by `;` and end with one
// `\n`; a message without answered queries answers nothing. A failing unit reports its code to
// the Status, answers nothing, and parsing resumes after the next `;`. Header errors: -100 a
// header with no keyword (`:`, `*`), -101 a byte outside printable ASCII, -102 malformed
// structure, -111 no space between header and data, -112 a keyword over 12 letters, -113 and
// -114 from the tree. Nothing throws out of execute(): unknown exceptions become -200.
#include <string>
#include <string_view>

#include "drivers/scpi/command_tree.hpp"
#include "drivers/scpi/status.hpp"

namespace spiceloop::scpi {

class Processor {
 public:
  Processor(const CommandTree& tree, Status& status) : tree_(tree), status_(status) {}

  std::string execute(std::string_view message) noexcept;

 private:
  const CommandTree& tree_;
  Status& status_;
};

inline constexpr std::size_t max_keyword_letters = 12;

}  // namespace spiceloop::scpi
