#include "drivers/scpi/call.hpp"

#include "drivers/scpi/error.hpp"

namespace spiceloop::scpi {

const Param& Call::param(std::size_t i) const {
  if (i >= params_.size()) throw Error(err::missing_parameter);
  return params_[i];
}

void Call::respond(std::string_view text) {
  if (responded_) response_ += ',';
  response_ += text;
  responded_ = true;
}

}  // namespace spiceloop::scpi
