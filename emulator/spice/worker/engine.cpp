#include "emulator/spice/worker/engine.hpp"

#include <ngspice/sharedspice.h>

#include <cassert>
#include <cctype>
#include <cstring>
#include <stdexcept>
#include <string>

namespace spiceloop::worker {

namespace {
Engine* g_engine = nullptr;  // ngspice is one interpreter per process
}

bool is_chatter(std::string_view line) {
  static constexpr std::string_view prefixes[] = {
      "Doing analysis at TEMP", "No. of Data Rows", "Circuit: ", "Note: No compatibility mode",
      "******", "** ngspice-", "** Creation Date", "Reference value",
  };
  for (std::string_view p : prefixes)
    if (line.substr(0, p.size()) == p) return true;
  return line.empty();
}

namespace {
std::string lower_name(const char* name) {
  std::string s(name ? name : "");
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

struct EngineCallbacks {
  static Engine& self(void* user) { return *static_cast<Engine*>(user); }

  static int on_char(char* text, int, void* user) {
    std::string_view line(text ? text : "");
    for (std::string_view prefix : {std::string_view("stdout "), std::string_view("stderr ")})
      if (line.substr(0, prefix.size()) == prefix) line.remove_prefix(prefix.size());
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' '))
      line.remove_suffix(1);
    if (is_chatter(line)) return 0;
    Engine& e = self(user);
    e.captured_.emplace_back(line);
    if (e.hooks_.on_line) e.hooks_.on_line(line);
    return 0;
  }

  static int on_stat(char*, int, void*) { return 0; }

  static int on_exit(int status, NG_BOOL, NG_BOOL, int, void* user) {
    Engine& e = self(user);
    if (e.hooks_.on_controlled_exit) e.hooks_.on_controlled_exit(status);
    return 0;
  }

  static int on_init_data(pvecinfoall info, int, void* user) {
    Engine& e = self(user);
    if (!e.record_names_.empty()) {
      e.record_index_.assign(e.record_names_.size(), -1);
      for (int i = 0; i < info->veccount; ++i)
        for (size_t r = 0; r < e.record_names_.size(); ++r)
          if (e.record_names_[r] == lower_name(info->vecs[i]->vecname)) e.record_index_[r] = i;
    }
    if (!e.want_names_) return 0;
    e.names_.resize(static_cast<size_t>(info->veccount));
    for (int i = 0; i < info->veccount; ++i) e.names_[i] = info->vecs[i]->vecname;
    return 0;
  }

  static int on_data(pvecvaluesall values, int, int, void* user) {
    Engine& e = self(user);
    e.values_.resize(static_cast<size_t>(values->veccount));
    for (int i = 0; i < values->veccount; ++i) e.values_[i] = values->vecsa[i]->creal;
    for (int i : e.record_index_) e.recorded_.push_back(i >= 0 && i < values->veccount ? values->vecsa[i]->creal : 0.0);
    ++e.data_points_;
    return 0;
  }

  static int on_bg_running(NG_BOOL, int, void*) { return 0; }
};

Engine::Engine(Hooks hooks) : hooks_(std::move(hooks)) {
  assert(g_engine == nullptr);
  g_engine = this;
  ngSpice_Init(&EngineCallbacks::on_char, &EngineCallbacks::on_stat, &EngineCallbacks::on_exit,
               &EngineCallbacks::on_data, &EngineCallbacks::on_init_data,
               &EngineCallbacks::on_bg_running, this);
}

namespace {
// Always on, also in release builds: a long command corrupts ngspice's memory and a newline
// would start a second command. Nothing has reached ngspice when this throws.
void require_one_short_line(const std::string& text) {
  if (text.size() > kMaxCommandBytes || text.find_first_of("\n\r") != std::string::npos || text.find('\0') != std::string::npos)
    throw std::logic_error("refusing an ngspice line of " + std::to_string(text.size()) + " bytes or with a line break");
}
}  // namespace

void Engine::command(const std::string& text) {
  require_one_short_line(text);
  // ngspice takes char* but does not keep it; a copy keeps the caller's string const.
  std::vector<char> buf(text.begin(), text.end());
  buf.push_back('\0');
  ngSpice_Command(buf.data());
}

void Engine::record(std::vector<std::string> names) {
  record_names_ = std::move(names);
  record_index_.clear();
  recorded_.clear();
}

std::vector<std::string> Engine::recorded_missing() const {
  std::vector<std::string> missing;
  for (size_t r = 0; r < record_names_.size(); ++r)
    if (r >= record_index_.size() || record_index_[r] < 0) missing.push_back(record_names_[r]);
  return missing;
}

void Engine::clear_history() { ngSpice_Command(nullptr); }

void Engine::load_circuit(const std::vector<std::string>& lines) {
  std::vector<std::vector<char>> store;
  std::vector<char*> ptrs;
  store.reserve(lines.size());
  for (const std::string& l : lines) {
    require_one_short_line(l);
    store.emplace_back(l.begin(), l.end());
    store.back().push_back('\0');
    ptrs.push_back(store.back().data());
  }
  ptrs.push_back(nullptr);
  ngSpice_Circ(ptrs.data());
}

}  // namespace spiceloop::worker
