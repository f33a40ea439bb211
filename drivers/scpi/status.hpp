#pragma once
// IEEE 488.2 status model of one instrument: the error queue, the Standard Event Status Register
// (ESR) with its enable mask (ESE), and the Status Byte (STB) with its enable mask (SRE).
// report() queues an error and sets the ESR bit of its class: -1xx CME (bit 5), -2xx EXE (bit 4),
// -3xx and device-specific codes DDE (bit 3), -4xx QYE (bit 2). STB is computed on read: bit 2
// EAV (queue not empty), bit 5 ESB (ESR & ESE), bit 6 MSS (STB & SRE). Several connections share
// one Status; the owner serialises access.
#include <cstdint>
#include <string>

#include "drivers/scpi/error_queue.hpp"

namespace spiceloop::scpi {

namespace esr_bit {
inline constexpr std::uint8_t operation_complete = 0x01;
inline constexpr std::uint8_t query_error = 0x04;
inline constexpr std::uint8_t device_error = 0x08;
inline constexpr std::uint8_t execution_error = 0x10;
inline constexpr std::uint8_t command_error = 0x20;
inline constexpr std::uint8_t power_on = 0x80;
}  // namespace esr_bit

class Status {
 public:
  explicit Status(std::size_t queue_capacity = 20) : errors_(queue_capacity) {}

  void report(int code, std::string detail = {});
  ErrorQueue& errors() { return errors_; }
  const ErrorQueue& errors() const { return errors_; }

  void set_esr_bits(std::uint8_t bits) { esr_ |= bits; }
  std::uint8_t esr() const { return esr_; }
  std::uint8_t read_and_clear_esr();
  std::uint8_t ese = 0;
  std::uint8_t sre = 0;
  std::uint8_t stb() const;
  // *CLS: empties the error queue and the ESR; the enable masks stay.
  void clear();

 private:
  ErrorQueue errors_;
  std::uint8_t esr_ = 0;
};

std::uint8_t esr_bit_for(int code);

}  // namespace spiceloop::scpi
