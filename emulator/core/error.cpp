#include "emulator/core/error.hpp"

namespace spiceloop {

namespace {
std::string compose(const std::string& id, const std::string& where, const std::string& message) {
  std::string s = "[spiceloop." + id + "] ";
  if (!where.empty()) s += where + ": ";
  return s + message;
}
}  // namespace

Error::Error(std::string id, std::string where, const std::string& message)
    : std::runtime_error(compose(id, where, message)),
      id_(std::move(id)),
      where_(std::move(where)),
      message_(message) {}

SimulationError::SimulationError(std::string id, std::string where, const std::string& message,
                                 std::vector<std::string> simulator_lines)
    : Error(std::move(id), std::move(where), message), lines_(std::move(simulator_lines)) {}

}  // namespace spiceloop
