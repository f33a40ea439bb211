#pragma once
// Response formatting, independent of the C locale (std::to_chars only).
// NR1: integers with an explicit sign (`+0`, `-113`), as Keysight instruments answer.
// NR3: `+1.23456789E+00` (sign, one digit, point, significant_digits-1 digits, E, sign, at least
// two exponent digits); NaN answers 9.91E+37 and +/-infinity +/-9.9E+37 (SCPI-99 7.2.1.5).
// Booleans answer `1`/`0`. Strings answer double-quoted with inner quotes doubled.
// Blocks answer `#<d><len><bytes>`; REAL,64 blocks carry IEEE doubles big-endian (NORMal) or
// little-endian (SWAPped).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace spiceloop::scpi {

enum class ByteOrder { Normal, Swapped };

std::string nr1(std::int64_t value);
std::string nr3(double value, int significant_digits = 9);
inline std::string boolean(bool value) { return value ? "1" : "0"; }
std::string quoted(std::string_view text);
std::string definite_block(std::string_view bytes);
std::string real64_block(std::span<const double> values, ByteOrder order = ByteOrder::Normal);
// `(@1:16)`, `(@1,3:5)`: ascending channels, consecutive runs as ranges (SYST:CHAN:LIST?).
std::string channel_list(std::span<const int> ascending);

}  // namespace spiceloop::scpi
