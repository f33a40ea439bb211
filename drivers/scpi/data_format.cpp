#include "drivers/scpi/data_format.hpp"

#include "drivers/scpi/error.hpp"

namespace spiceloop::scpi {

void add_format_commands(CommandTree& tree, DataFormat& format) {
  DataFormat* f = &format;
  tree.add("FORMat[:DATA]", [f](Call& c) {
    const bool binary = c.choice(0, {"ASCii", "REAL"}) == 1;
    if (c.has(1)) {
      const auto length = c.integer(1, 0, 1000);
      if (!binary || length != 64) throw Error(err::illegal_parameter_value);
    }
    f->binary = binary;
  }, {.min_params = 1, .max_params = 2});
  tree.add("FORMat[:DATA]?", [f](Call& c) { c.respond(f->binary ? "REAL,+64" : "ASC"); });
  tree.add("FORMat:BORDer", [f](Call& c) {
    f->order = c.choice(0, {"NORMal", "SWAPped"}) == 0 ? ByteOrder::Normal : ByteOrder::Swapped;
  }, {.min_params = 1, .max_params = 1});
  tree.add("FORMat:BORDer?", [f](Call& c) { c.respond(f->order == ByteOrder::Normal ? "NORM" : "SWAP"); });
}

std::string format_readings(std::span<const double> values, const DataFormat& format) {
  if (format.binary) return real64_block(values, format.order);
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += nr3(values[i]);
  }
  return out;
}

}  // namespace spiceloop::scpi
