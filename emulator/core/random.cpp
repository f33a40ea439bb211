#include "emulator/core/random.hpp"

#include <locale>
#include <sstream>

#include "emulator/core/error.hpp"

namespace spiceloop {

template <>
std::string SeededRng<std::mt19937_64>::state() const {
  assert(!has_spare_ && "state() between the two halves of a gaussian() pair loses the spare");
  std::ostringstream out;
  out.imbue(std::locale::classic());
  out << engine_;
  return out.str();
}

template <>
void SeededRng<std::mt19937_64>::set_state(const std::string& text) {
  std::istringstream in(text);
  in.imbue(std::locale::classic());
  std::mt19937_64 e;
  in >> e;
  if (in.fail()) throw InputError("checkpoint.rng", "/rng", "the saved random generator state is malformed");
  engine_ = e;
  has_spare_ = false;
}

}  // namespace spiceloop
