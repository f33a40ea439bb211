// Measures what a worker's alter costs inside libngspice, outside spiceloop's build (the worker is
// the only target that links libngspice; this is a measuring program, built by hand):
//   g++ -O2 -std=c++20 tools/ngspice_alter_forms.cpp -lngspice -o /tmp/alter_forms
//   build/spiceloop generate crossbar --set rows=64 columns=64 seed=1 -o /tmp/xb64.json
//   build/spiceloop netlist /tmp/xb64.json --no-print -o /tmp/xb64.cir && /tmp/alter_forms /tmp/xb64.cir 21
// Prints, as CPU time medians of the given number of rounds: the reload pattern's parts (ngSpice_Circ
// of the deck, then op); on the halted transient the worker keeps (stop after 1; tran 1 1e30 0 1 uic),
// every resistor altered per round in each command form, joined by ';' under 1000 bytes and one per
// call, then `step 1`; and for each form how often the double ngspice stores (read back through
// @r[resistance]) differs from the one the worker's present form `alter r=v` stores.
#include <ngspice/sharedspice.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

namespace {
int quiet(char*, int, void*) { return 0; }
int no_exit(int, NG_BOOL, NG_BOOL, int, void*) { return 0; }
int no_data(pvecvaluesall, int, int, void*) { return 0; }
int no_init(pvecinfoall, int, void*) { return 0; }
int no_bg(NG_BOOL, int, void*) { return 0; }

void command(std::string text) { ngSpice_Command(text.data()); }
double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
std::string shortest(double v) {
  char b[32];
  return std::string(b, std::to_chars(b, b + sizeof b, v).ptr);
}
std::string digits17(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}
double stored(const std::string& element) {
  std::string name = "@" + element + "[resistance]";
  pvector_info v = ngGet_Vec_Info(name.data());
  return v && v->v_realdata ? v->v_realdata[0] : -1.0;
}
void load(const std::vector<std::string>& lines) {
  std::vector<std::vector<char>> store;
  std::vector<char*> ptrs;
  for (const std::string& l : lines) {
    store.emplace_back(l.begin(), l.end());
    store.back().push_back('\0');
    ptrs.push_back(store.back().data());
  }
  ptrs.push_back(nullptr);
  ngSpice_Circ(ptrs.data());
}

struct Form {
  const char* name;
  std::string (*text)(const std::string& element, double ohms);
};
const Form kForms[] = {
    {"alter r=v (the worker's)", [](const std::string& e, double v) { return "alter " + e + "=" + shortest(v); }},
    {"alter r = v", [](const std::string& e, double v) { return "alter " + e + " = " + shortest(v); }},
    {"alter r v", [](const std::string& e, double v) { return "alter " + e + " " + shortest(v); }},
    {"alter @r[resistance]=v", [](const std::string& e, double v) { return "alter @" + e + "[resistance]=" + shortest(v); }},
    {"alter r resistance=v", [](const std::string& e, double v) { return "alter " + e + " resistance=" + shortest(v); }},
    {"alter r = [ v ]", [](const std::string& e, double v) { return "alter " + e + " = [ " + shortest(v) + " ]"; }},
    {"alter r=v, %.17g", [](const std::string& e, double v) { return "alter " + e + "=" + digits17(v); }},
};
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DECK.cir [ROUNDS]\n", argv[0]);
    return 2;
  }
  const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 21;
  ngSpice_Init(quiet, quiet, no_exit, no_data, no_init, no_bg, nullptr);
  std::ifstream file(argv[1]);
  std::vector<std::string> lines, resistors;
  std::vector<double> ohms;
  for (std::string l; std::getline(file, l);) {
    lines.push_back(l);
    if (!l.empty() && (l[0] == 'r' || l[0] == 'R')) resistors.push_back(l.substr(0, l.find(' ')));
  }
  for (size_t j = 0; j < resistors.size(); ++j) ohms.push_back(1e4 * (1.0 + 9.0 * ((j * 2654435761u) % 1000) / 1000.0) / 1.0000003);

  std::vector<double> t_load, t_op;
  for (int r = 0; r < rounds; ++r) {
    const double t0 = cpu_seconds();
    load(lines);
    const double t1 = cpu_seconds();
    command("op");
    t_op.push_back(cpu_seconds() - t1);
    t_load.push_back(t1 - t0);
    command("destroy all");
    command("remcirc");
    ngSpice_Command(nullptr);
  }
  std::printf("%zu deck lines: load %.2f ms (%.2f us per line), op %.2f ms\n", lines.size(), median(t_load) * 1e3,
              median(t_load) * 1e6 / static_cast<double>(lines.size()), median(t_op) * 1e3);

  load(lines);
  command("stop after 1");
  command("tran 1 1e30 0 1 uic");
  ngSpice_Command(nullptr);
  int round = 0;
  for (bool joined : {true, false}) {
    for (const Form& form : kForms) {
      std::vector<double> t_alter, t_step;
      long differs = 0, compared = 0;
      for (int r = 0; r < rounds; ++r, ++round) {
        std::vector<double> want(ohms.size());
        for (size_t j = 0; j < ohms.size(); ++j) want[j] = ohms[j] * (round % 2 ? 1.001 : 1.0 / 1.001) * (1.0 + round * 1e-7);
        const double t0 = cpu_seconds();
        std::string batch;
        for (size_t j = 0; j < resistors.size(); ++j) {
          const std::string one = form.text(resistors[j], want[j]);
          if (!joined) {
            command(one);
            continue;
          }
          if (!batch.empty() && batch.size() + 1 + one.size() >= 1000) command(batch), batch.clear();
          batch += (batch.empty() ? "" : ";") + one;
        }
        if (!batch.empty()) command(batch);
        ngSpice_Command(nullptr);
        const double t1 = cpu_seconds();
        command("step 1");
        ngSpice_Command(nullptr);
        t_step.push_back(cpu_seconds() - t1);
        t_alter.push_back(t1 - t0);
        if (!joined || r > 2) continue;
        for (size_t j = 0; j < resistors.size(); ++j) {  // the same value again in the worker's form
          const double got = stored(resistors[j]);
          command(kForms[0].text(resistors[j], want[j]));
          differs += got != stored(resistors[j]);
          ++compared;
        }
        ngSpice_Command(nullptr);
      }
      std::printf("%-7s %-26s %6.2f us per element, step 1 %.2f ms", joined ? "joined" : "single", form.name,
                  median(t_alter) * 1e6 / static_cast<double>(resistors.size()), median(t_step) * 1e3);
      if (joined) std::printf(", stores another double than 'alter r=v' for %ld of %ld values", differs, compared);
      std::printf("\n");
      std::fflush(stdout);
    }
  }
  return 0;
}
