#pragma once
// SCPI error codes and their standard texts (SCPI-99 vol. 2 ch. 21, IEEE 488.2 ch. 11).
// A handler reports a failure by throwing scpi::Error; the processor turns it into an error-queue
// entry at one boundary, so nothing throws past it. Codes are the negative standard codes.
#include <exception>
#include <string>
#include <string_view>

namespace spiceloop::scpi {

namespace err {
inline constexpr int command = -100;
inline constexpr int invalid_character = -101;
inline constexpr int syntax = -102;
inline constexpr int invalid_separator = -103;
inline constexpr int data_type = -104;
inline constexpr int parameter_not_allowed = -108;
inline constexpr int missing_parameter = -109;
inline constexpr int header_separator = -111;
inline constexpr int mnemonic_too_long = -112;
inline constexpr int undefined_header = -113;
inline constexpr int suffix_out_of_range = -114;
inline constexpr int numeric_data = -120;
inline constexpr int exponent_too_large = -123;
inline constexpr int invalid_suffix = -131;
inline constexpr int suffix_not_allowed = -138;
inline constexpr int invalid_character_data = -141;
inline constexpr int invalid_string_data = -151;
inline constexpr int invalid_block_data = -161;
inline constexpr int invalid_expression = -171;
inline constexpr int execution = -200;
inline constexpr int trigger_ignored = -211;
inline constexpr int init_ignored = -213;
inline constexpr int trigger_deadlock = -214;
inline constexpr int settings_conflict = -221;
inline constexpr int data_out_of_range = -222;
inline constexpr int illegal_parameter_value = -224;
inline constexpr int data_stale = -230;
inline constexpr int hardware_missing = -241;
inline constexpr int queue_overflow = -350;
inline constexpr int input_buffer_overrun = -363;
inline constexpr int query_interrupted = -410;
}  // namespace err

// The standard text for a code ("Undefined header"); an empty view for a code the table lacks.
std::string_view standard_message(int code);

class Error : public std::exception {
 public:
  explicit Error(int code, std::string detail = {});
  int code() const { return code_; }
  const std::string& detail() const { return detail_; }
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  int code_;
  std::string detail_;
  std::string what_;
};

}  // namespace spiceloop::scpi
