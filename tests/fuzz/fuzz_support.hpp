// What the libFuzzer targets of tests/fuzz share (tools/fuzz.sh builds and runs them).
//
// - Files: the loaders are fuzzed through their public file entry points (load_network_file,
//   load_train_config_file, load_bench_file, load_sweep_file, read_checkpoint), so the targets
//   survive changes behind them. Documents refer to others relatively ("../lab16.json"), so the
//   input is written into a scratch mirror of netlists/ (real folders, files linked), as
//   <scratch>/<folder>/fuzz_input.json.
// - Oracle: bad input must end in a typed spiceloop::Error (or, in an instrument, a SCPI error);
//   any other exception escaping is a finding (abort with its type and text), as are the
//   sanitizers' reports, crashes, timeouts and memory blow-ups libFuzzer itself catches.
// - Structure-aware mutation for JSON targets: json_mutate() parses the input, changes one node
//   (a number to an edge value, a type swap, a deleted or duplicated member, a renamed key) and
//   writes it back; bytes that are not JSON go to libFuzzer's own mutator.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/error.hpp"
#include "emulator/core/log.hpp"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace fuzz {

namespace fs = std::filesystem;

inline std::string text_of(const uint8_t* data, size_t size) { return std::string(reinterpret_cast<const char*>(data), size); }

// Reports an exception of a type the code promises never to let out, and stops the run.
[[noreturn]] inline void finding(const char* what, const std::exception* e) {
  std::fprintf(stderr, "FINDING: %s: %s: %s\n", what, e ? typeid(*e).name() : "unknown exception", e ? e->what() : "");
  std::abort();
}

// Runs f; a spiceloop::Error is the expected answer to bad input, anything else a finding.
template <class F>
void expect_typed_errors(const char* what, F&& f) {
  try {
    f();
  } catch (const spiceloop::Error&) {
  } catch (const std::exception& e) {
    finding(what, &e);
  } catch (...) {
    finding(what, nullptr);
  }
}

// The scratch mirror of netlists/ (made once per process, removed at exit).
class Scratch {
 public:
  static Scratch& get() {
    static Scratch s;
    return s;
  }
  // Writes the input as <scratch>/<folder>/fuzz_input.json and returns its path.
  std::string write(const std::string& folder, const uint8_t* data, size_t size) {
    const fs::path file = root_ / folder / "fuzz_input.json";
    std::ofstream(file, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                  static_cast<std::streamsize>(size));
    return file.string();
  }
  const fs::path& root() const { return root_; }

 private:
  Scratch() {
    spiceloop::log::set_level(spiceloop::log::Level::Off);
    const fs::path netlists = fs::path(SPICELOOP_SOURCE_DIR) / "netlists";
    root_ = fs::temp_directory_path() / ("spiceloop_fuzz_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    for (const auto& entry : fs::recursive_directory_iterator(netlists)) {
      const fs::path to = root_ / fs::relative(entry.path(), netlists);
      if (entry.is_directory()) fs::create_directories(to);
      else fs::create_symlink(entry.path(), to);
    }
  }
  ~Scratch() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  fs::path root_;
};

// ---- structure-aware JSON mutation ----

inline nlohmann::json edge_number(std::mt19937_64& rng) {
  static const std::vector<nlohmann::json> numbers{
      0,     -1,      1,       2,          3,           -2147483648LL, 2147483647, 2147483648LL, 4294967296LL,
      -9223372036854775807LL - 1, 9223372036854775807LL, 18446744073709551615ULL, 1e9, 1e300, -1e300,
      1e-300, 4.9e-324, -0.0, 0.5, 1e-12, 65535, 65536, 1000000, 1.7976931348623157e308};
  return numbers[rng() % numbers.size()];
}

inline std::vector<nlohmann::json*> nodes_of(nlohmann::json& j) {
  std::vector<nlohmann::json*> out{&j};
  for (std::size_t i = 0; i < out.size(); ++i) {
    nlohmann::json& n = *out[i];
    if (n.is_object() || n.is_array())
      for (auto& child : n) out.push_back(&child);
  }
  return out;
}

// One structural change to the document, chosen by rng.
inline void mutate_json(nlohmann::json& doc, std::mt19937_64& rng) {
  std::vector<nlohmann::json*> nodes = nodes_of(doc);
  nlohmann::json& n = *nodes[rng() % nodes.size()];
  switch (rng() % 9) {
    case 0:  // a number at an edge of its range
      n = edge_number(rng);
      break;
    case 1:  // a number nudged
      if (n.is_number_integer() && !n.is_number_unsigned()) {
        // In unsigned arithmetic: the mutator itself must not overflow at INT64_MIN/MAX.
        const auto v = static_cast<unsigned long long>(n.get<long long>()) + rng() % 3 - 1;
        n = static_cast<long long>(v);
      } else if (n.is_number()) {
        n = n.get<double>() * (rng() % 2 ? -1.0 : 1.0);
      }
      break;
    case 2:  // another JSON type in its place
      switch (rng() % 6) {
        case 0: n = nullptr; break;
        case 1: n = "x"; break;
        case 2: n = nlohmann::json::array(); break;
        case 3: n = nlohmann::json::object(); break;
        case 4: n = true; break;
        default: n = "0x1.8p+0"; break;
      }
      break;
    case 3:  // a member or element removed
      if (n.is_object() && !n.empty()) {
        auto it = n.begin();
        std::advance(it, static_cast<long>(rng() % n.size()));
        n.erase(it);
      } else if (n.is_array() && !n.empty()) {
        n.erase(n.begin() + static_cast<long>(rng() % n.size()));
      }
      break;
    case 4:  // an element repeated (duplicate names, order entries, edges)
      if (n.is_array() && !n.empty()) n.push_back(n[rng() % n.size()]);
      break;
    case 5:  // a key renamed (a typo, or a key another format uses)
      if (n.is_object() && !n.empty()) {
        auto it = n.begin();
        std::advance(it, static_cast<long>(rng() % n.size()));
        const std::string key = it.key();
        nlohmann::json value = *it;
        n.erase(key);
        n[key.empty() ? std::string("x") : key.substr(0, key.size() - 1)] = std::move(value);
      }
      break;
    case 6:  // an array grown by a lot (sizes the readers must bound)
      if (n.is_array() && !n.empty() && n.size() < 4096) {
        const nlohmann::json e = n[0];
        for (int k = 0; k < 64; ++k) n.push_back(e);
      }
      break;
    case 7:  // a value copied from elsewhere in the document
      n = *nodes[rng() % nodes.size()];
      break;
    default:  // strings: empty, long, a path, a number as text
      if (n.is_string()) {
        static const std::vector<std::string> strings{"", "../lab16.json", "..", "/", "nan", "inf", "1e999",
                                                      std::string(300, 'a'), "e0", "gnd", "0x1p+1024"};
        n = strings[rng() % strings.size()];
      }
      break;
  }
}

// libFuzzer custom mutator body for JSON inputs.
inline size_t json_mutate(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  std::mt19937_64 rng(seed);
  if (rng() % 4 != 0) {
    try {
      nlohmann::json doc = nlohmann::json::parse(data, data + size, nullptr, false);
      if (!doc.is_discarded()) {
        const int changes = 1 + static_cast<int>(rng() % 3);
        for (int i = 0; i < changes; ++i) mutate_json(doc, rng);
        const std::string text = doc.dump(rng() % 2 ? 2 : -1);
        if (text.size() <= max_size) {
          std::copy(text.begin(), text.end(), data);
          return text.size();
        }
      }
    } catch (const std::exception&) {  // a document the mutation cannot write back: mutate bytes
    }
  }
  return LLVMFuzzerMutate(data, size, max_size);
}

}  // namespace fuzz

// A JSON target defines its custom mutator with this.
#define SPICELOOP_FUZZ_JSON_MUTATOR                                                                     \
  extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) { \
    return fuzz::json_mutate(data, size, max_size, seed);                                             \
  }
