// A stable 64-bit fingerprint (FNV-1a) of text, printed as 16 hex digits. Used to tie a
// checkpoint to the config, network and data set that produced it; not a security hash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace spiceloop {

class Fingerprint {
 public:
  void add(std::string_view text);
  // The bytes alone, without their count: a stream gives the same fingerprint however it is cut.
  void add_bytes(std::string_view bytes);
  void add(double x);  // exact: the bit pattern
  void add(std::int64_t x);
  std::string hex() const;

 private:
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace spiceloop
