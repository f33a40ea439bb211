#include "drivers/scpi/status.hpp"

namespace spiceloop::scpi {

std::uint8_t esr_bit_for(int code) {
  if (code <= -100 && code > -200) return esr_bit::command_error;
  if (code <= -200 && code > -300) return esr_bit::execution_error;
  if (code <= -400 && code > -500) return esr_bit::query_error;
  if (code == 0) return 0;
  return esr_bit::device_error;
}

void Status::report(int code, std::string detail) {
  esr_ |= esr_bit_for(code);
  errors_.push(code, std::move(detail));
}

std::uint8_t Status::read_and_clear_esr() {
  const std::uint8_t v = esr_;
  esr_ = 0;
  return v;
}

std::uint8_t Status::stb() const {
  std::uint8_t s = 0;
  if (!errors_.empty()) s |= 0x04;
  if (esr_ & ese) s |= 0x20;
  if (s & sre & ~0x40) s |= 0x40;
  return s;
}

void Status::clear() {
  errors_.clear();
  esr_ = 0;
}

}  // namespace spiceloop::scpi
