#include "drivers/scpi/error.hpp"

#include <array>
#include <utility>

namespace spiceloop::scpi {

std::string_view standard_message(int code) {
  static constexpr std::array<std::pair<int, std::string_view>, 35> table{{
      {0, "No error"},
      {-100, "Command error"},
      {-101, "Invalid character"},
      {-102, "Syntax error"},
      {-103, "Invalid separator"},
      {-104, "Data type error"},
      {-108, "Parameter not allowed"},
      {-109, "Missing parameter"},
      {-111, "Header separator error"},
      {-112, "Program mnemonic too long"},
      {-113, "Undefined header"},
      {-114, "Header suffix out of range"},
      {-120, "Numeric data error"},
      {-123, "Exponent too large"},
      {-131, "Invalid suffix"},
      {-138, "Suffix not allowed"},
      {-141, "Invalid character data"},
      {-151, "Invalid string data"},
      {-161, "Invalid block data"},
      {-171, "Invalid expression"},
      {-200, "Execution error"},
      {-211, "Trigger ignored"},
      {-213, "Init ignored"},
      {-214, "Trigger deadlock"},
      {-221, "Settings conflict"},
      {-222, "Data out of range"},
      {-224, "Illegal parameter value"},
      {-230, "Data corrupt or stale"},
      {-241, "Hardware missing"},
      {-300, "Device-specific error"},
      {-350, "Queue overflow"},
      {-363, "Input buffer overrun"},
      {-400, "Query error"},
      {-410, "Query INTERRUPTED"},
      {-420, "Query UNTERMINATED"},
  }};
  for (const auto& [c, text] : table)
    if (c == code) return text;
  return {};
}

Error::Error(int code, std::string detail) : code_(code), detail_(std::move(detail)) {
  what_ = std::to_string(code) + ",\"" + std::string(standard_message(code));
  if (!detail_.empty()) what_ += ";" + detail_;
  what_ += "\"";
}

}  // namespace spiceloop::scpi
