// The one ngspice interpreter of this worker process, and the only code that talks to libngspice.
// Contract (DESIGN.md, measured on libngspice 39.3): one Engine per process, one thread; no
// ngspice call from inside a callback; commands and deck lines are single lines under 1024 bytes
// (checked in every build: std::logic_error before anything reaches ngspice); return codes are
// ignored because they lie, so callers judge each step from captured() lines.
// Output arrives through callbacks: every line is captured for judging and, unless it is routine
// chatter, handed to Hooks::on_line. An `op` delivers its vectors through the init-data and data
// callbacks, which are copied out at once.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace spiceloop::worker {

inline constexpr std::size_t kMaxCommandBytes = 1023;  // 1024 or more corrupts memory

class Engine {
 public:
  struct Hooks {
    std::function<void(std::string_view line)> on_line;  // ngspice output worth showing
    // ngspice asked to exit (a `quit`, or an internal fatal error). Must not return into ngspice
    // state that is being torn down: the worker replies and exits from here.
    std::function<void(int status)> on_controlled_exit;
  };

  explicit Engine(Hooks hooks);  // ngSpice_Init; call once per process
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void command(const std::string& text);  // one ngspice command, no `;` splitting here
  void clear_history();                   // ngSpice_Command(NULL): history grows ~230 B/command
  void load_circuit(const std::vector<std::string>& lines);  // ngSpice_Circ

  // Lines captured since the last begin_capture(), prefix ("stdout "/"stderr ") removed.
  void begin_capture() { captured_.clear(); }
  const std::vector<std::string>& captured() const { return captured_; }

  // The vectors of the latest plot. Names are copied only while want_names is set (they do not
  // change while a circuit stays loaded); values on every data callback.
  void set_want_names(bool want) { want_names_ = want; }
  const std::vector<std::string>& vector_names() const { return names_; }
  const std::vector<double>& vector_values() const { return values_; }
  int data_points() const { return data_points_; }

  // Recording (a transient): from the next analysis on, every data callback appends the values of
  // the named vectors (lower case, as ngspice names them; "time" first if wanted) to recorded();
  // recorded_missing() lists names the analysis did not have. An empty list stops recording.
  void record(std::vector<std::string> names);
  const std::vector<double>& recorded() const { return recorded_; }
  std::vector<std::string> recorded_missing() const;
  void reset_data() { data_points_ = 0; }

 private:
  friend struct EngineCallbacks;  // the C callbacks, defined beside ngSpice_Init

  Hooks hooks_;
  std::vector<std::string> captured_;
  bool want_names_ = true;
  std::vector<std::string> names_;
  std::vector<double> values_;
  int data_points_ = 0;
  std::vector<std::string> record_names_;
  std::vector<int> record_index_;  // per record name: its vector index, or -1
  std::vector<double> recorded_;
};

// Routine lines every load or `op` prints; neither judged nor forwarded.
bool is_chatter(std::string_view line);

}  // namespace spiceloop::worker
