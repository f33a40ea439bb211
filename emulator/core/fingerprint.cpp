#include "emulator/core/fingerprint.hpp"

#include <bit>

#include <fmt/format.h>

namespace spiceloop {

void Fingerprint::add(std::string_view text) {
  add_bytes(text);
  add(static_cast<std::int64_t>(text.size()));  // so "ab"+"c" differs from "a"+"bc"
}

void Fingerprint::add_bytes(std::string_view bytes) {
  for (unsigned char c : bytes) {
    h_ ^= c;
    h_ *= 0x100000001b3ULL;
  }
}

void Fingerprint::add(double x) { add(static_cast<std::int64_t>(std::bit_cast<std::uint64_t>(x))); }

void Fingerprint::add(std::int64_t x) {
  auto u = static_cast<std::uint64_t>(x);
  for (int i = 0; i < 8; ++i) {
    h_ ^= (u >> (8 * i)) & 0xff;
    h_ *= 0x100000001b3ULL;
  }
}

std::string Fingerprint::hex() const { return fmt::format("{:016x}", h_); }

}  // namespace spiceloop
