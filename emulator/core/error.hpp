// Typed errors. Every error carries a stable id (greppable, asserted by tests), the place it
// refers to (JSON pointer, file:line, node or edge name, or empty) and a message that says what
// to change. what() is "[spiceloop.<id>] <where>: <message>".
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace spiceloop {

class Error : public std::runtime_error {
 public:
  Error(std::string id, std::string where, const std::string& message);

  const std::string& id() const noexcept { return id_; }
  const std::string& where() const noexcept { return where_; }
  const std::string& message() const noexcept { return message_; }

 private:
  std::string id_;
  std::string where_;
  std::string message_;
};

// Bad user input: network JSON, experiment config, CLI arguments.
class InputError : public Error {
 public:
  using Error::Error;
};

// A simulation that did not give a trustworthy answer. Carries the simulator's own output lines.
class SimulationError : public Error {
 public:
  SimulationError(std::string id, std::string where, const std::string& message,
                  std::vector<std::string> simulator_lines = {});
  const std::vector<std::string>& simulator_lines() const noexcept { return lines_; }

 private:
  std::vector<std::string> lines_;
};

}  // namespace spiceloop
