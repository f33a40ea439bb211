// The panel over real sockets on 127.0.0.1: the lab16_hil bench on the ideal solver, served as
// `serve --panel` serves it, read by real WebSocket clients (Boost.Beast) and raw sockets.
#include <thread>

#include <catch2/catch.hpp>

#include "drivers/panel/web_files.hpp"
#include "tests/common/line_client.hpp"
#include "tests/common/memory.hpp"
#include "tests/panel/page_client.hpp"

using namespace panel_test;
using Client = spiceloop::test::LineClient;
using spiceloop::test::rss_kib;

namespace {

// Status line and headers of one HTTP answer on a raw socket ("" on timeout).
std::string http_head(Client& c, const std::string& request) {
  c.send(request);
  std::string head;
  while (auto line = c.read_line(3000ms)) {
    if (*line == "\r") break;
    head += *line + "\n";
  }
  return head;
}

std::string get(std::uint16_t port, const std::string& target, const std::string& extra = "") {
  Client c(port);
  return http_head(c, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n" + extra +
                          "Connection: close\r\n\r\n");
}

// A raw WebSocket handshake on a plain socket: the page's bytes after it are the test's own.
bool raw_upgrade(Client& c, std::uint16_t port) {
  const std::string head = http_head(c, "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                                            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  return head.rfind("HTTP/1.1 101", 0) == 0;
}

void instruments_answer(PanelRig& rig) {
  Client source(rig.port_of("source"));
  const auto idn = source.query("*IDN?");
  REQUIRE(idn);
  CHECK(idn->find("emulated") != std::string::npos);
}

}  // namespace

TEST_CASE("panel: GET serves every file of the page and nothing else", "[panel][socket]") {
  PanelRig rig;
  const std::uint16_t port = rig.panel_port();
  CHECK(get(port, "/").rfind("HTTP/1.1 200", 0) == 0);
  CHECK(get(port, "/").find("Content-Type: text/html") != std::string::npos);
  for (const auto& f : spiceloop::panel::web_files()) {
    INFO(f.path);
    CHECK(get(port, std::string(f.path)).rfind("HTTP/1.1 200", 0) == 0);
  }
  CHECK(spiceloop::panel::find_web_file("/vendor/uplot/LICENSE") != nullptr);
  for (const char* target : {"/../CMakeLists.txt", "/etc/passwd", "/index.html/..", "/%2e%2e/README.md", "/web/index.html"}) {
    INFO(target);
    CHECK(get(port, target).rfind("HTTP/1.1 404", 0) == 0);
  }
  Client post(port);
  CHECK(http_head(post, "DELETE / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").rfind("HTTP/1.1 405", 0) == 0);
}

TEST_CASE("panel: another host name or another site's origin is refused", "[panel][socket]") {
  PanelRig rig;
  const std::uint16_t port = rig.panel_port();
  const std::string self = "127.0.0.1:" + std::to_string(port);
  CHECK(get(port, "/", "").rfind("HTTP/1.1 200", 0) == 0);
  Client rebinding(port);  // a name that resolves to this machine: DNS rebinding
  CHECK(http_head(rebinding, "GET / HTTP/1.1\r\nHost: evil.example:" + std::to_string(port) + "\r\n\r\n")
            .rfind("HTTP/1.1 403", 0) == 0);
  Page other_site(port);
  CHECK_FALSE(other_site.open("", "http://evil.example"));
  CHECK(other_site.refused_status() == 403);
  Page same(port);
  CHECK(same.open("", "http://" + self));
  Page localhost(port);
  CHECK(localhost.open("localhost:" + std::to_string(port)));
}

TEST_CASE("panel: a page gets the drawing with every edge, then frames at the bounded rate", "[panel][socket]") {
  PanelRig rig;
  Page page(rig.panel_port());
  REQUIRE(page.open());
  const auto hello = page.next();
  REQUIRE(hello);
  CHECK((*hello)["type"] == "hello");
  const json& graph = (*hello)["graph"];
  const spiceloop::Network& net = rig.lab.bench().network();
  REQUIRE(graph["edges"].size() == net.edges.size());
  for (std::size_t j = 0; j < net.edges.size(); ++j) CHECK(graph["edges"][j]["name"] == net.edges[j].name);
  CHECK(graph["nodes"].size() == static_cast<std::size_t>(net.node_count()));
  CHECK(graph["nodes"][net.outputs[0]]["role"] == "output");
  CHECK(graph["nodes"][net.inputs[0].node]["role"] == "input");
  CHECK((*hello)["actions"].size() == 4);

  const auto first = page.next_of("frame");
  REQUIRE(first);
  const json& v = (*first)["values"];
  CHECK(v["edges"]["siemens"].size() == net.edges.size());
  CHECK(v["nodes"]["volts"].size() == static_cast<std::size_t>(net.node_count()));
  for (const char* name : {"source", "scanner", "digipots", "network", "control", "panel"}) {
    INFO(name);
    bool found = false;
    for (const auto& p : v["ports"]) found = found || p["name"] == name;
    CHECK(found);
  }
  CHECK(v["instruments"]["digipots"]["channels"].size() == 16);

  int frames = 0;
  const auto until = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < until)
    if (auto m = page.next(500ms); m && (*m)["type"] == "frame") ++frames;
  CHECK(frames >= 10);  // about 10 Hz over 2 s
  CHECK(frames <= 24);
}

TEST_CASE("panel: a SCPI write from a socket client is in the frames within a second", "[panel][socket]") {
  PanelRig rig;
  Page page(rig.panel_port());
  REQUIRE(page.open());
  REQUIRE(page.next_of("frame"));
  const int edge = rig.lab.bench().find_digipot_channel(1)->edge;
  Client digipots(rig.port_of("digipots"));
  const auto before = std::chrono::steady_clock::now();
  REQUIRE(digipots.query("DPOT:CODE 17,(@1);*OPC?") == "1");
  bool seen = false;
  while (!seen && std::chrono::steady_clock::now() - before < 1s) {
    const auto f = page.next_of("frame", 1s);
    REQUIRE(f);
    const json& e = (*f)["values"]["edges"];
    seen = e["code"][edge] == 17;
    if (seen) CHECK(e["change"][edge].get<double>() != 0.0);
  }
  CHECK(seen);
  // The scanner's last reading shows too.
  Client scanner(rig.port_of("scanner"));
  REQUIRE(scanner.query("MEAS:VOLT:DC? (@101)"));
  const auto f = page.next_of("frame", 1s);
  REQUIRE(f);
  CHECK((*f)["values"]["instruments"]["scanner"]["readings"][0]["volts"].is_number());
}

TEST_CASE("panel: an action without the token is refused and changes nothing; with it the bench pauses", "[panel][socket]") {
  PanelRig rig;
  Page page(rig.panel_port());
  REQUIRE(page.open());
  for (const std::string request : {R"({"cmd":"pause","id":1})", R"({"cmd":"pause","id":2,"token":"wrong"})",
                                    R"({"cmd":"pause","id":3,"token":"0123456789abcdef0123456789abcde"})",
                                    R"({"cmd":"pause","id":4,"token":7})"}) {
    INFO(request);
    REQUIRE(page.send(request));
    const auto r = page.next_of("reply");
    REQUIRE(r);
    CHECK((*r)["ok"] == false);
    CHECK((*r)["error"] == "panel.unauthorized");
    CHECK_FALSE(rig.lab.group().paused());
  }
  REQUIRE(page.send(R"({"cmd":"pause","id":9,"token":")" + rig.token + R"("})"));
  auto r = page.next_of("reply");
  REQUIRE(r);
  CHECK((*r)["ok"] == true);
  CHECK((*r)["id"] == 9);
  CHECK(rig.lab.group().paused());
  const auto f = page.next_of("frame");
  REQUIRE(f);
  CHECK((*f)["values"]["paused"] == true);
  REQUIRE(page.send(R"({"cmd":"resume","token":")" + rig.token + R"("})"));
  REQUIRE(page.next_of("reply"));
  CHECK_FALSE(rig.lab.group().paused());

  // The control port's own checks apply; its other commands are not the panel's.
  REQUIRE(page.send(R"({"cmd":"fault","port":"scanner","kind":"delay","ms":99999,"token":")" + rig.token + R"("})"));
  r = page.next_of("reply");
  REQUIRE(r);
  CHECK((*r)["error"] == "control.out_of_range");
  REQUIRE(page.send(R"({"cmd":"reset","token":")" + rig.token + R"("})"));
  r = page.next_of("reply");
  REQUIRE(r);
  CHECK((*r)["error"] == "panel.unknown_action");
  REQUIRE(page.send(R"({"cmd":"fault","port":"scanner","kind":"delay","ms":5,"token":")" + rig.token + R"("})"));
  r = page.next_of("reply");
  REQUIRE(r);
  CHECK((*r)["ok"] == true);
  CHECK(rig.lab.group().faults(*rig.lab.group().find("scanner")).state().delay == std::chrono::milliseconds(5));
  REQUIRE(page.send(R"({"cmd":"reseed","seed":3,"token":")" + rig.token + R"("})"));
  r = page.next_of("reply");
  REQUIRE(r);
  CHECK((*r)["ok"] == true);
  REQUIRE(page.send("not json"));
  r = page.next_of("reply");
  REQUIRE(r);
  CHECK((*r)["error"] == "panel.bad_json");
}

TEST_CASE("panel: malformed frames and oversized messages close that page only", "[panel][socket]") {
  PanelRig rig;
  const std::uint16_t port = rig.panel_port();
  Page watcher(port);
  REQUIRE(watcher.open());
  const std::vector<std::string> bad = {
      std::string("\x81\x05hello", 7),                          // unmasked client frame
      std::string("\x83\x80\x01\x02\x03\x04", 6),               // reserved opcode 3
      std::string("\xC1\x80\x01\x02\x03\x04", 6),               // RSV1 without an extension
      std::string("\x89\xFE\xFF\xFF\x01\x02\x03\x04", 8),       // a control frame of 65535 bytes
      std::string("\x81\xFF\x7F\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x01\x02\x03\x04", 14),  // a 2^63-byte length
      std::string("\x01\x80\x01\x02\x03\x04\x81\x80\x01\x02\x03\x04", 12),  // a new message inside a fragmented one
  };
  for (std::size_t i = 0; i < bad.size(); ++i) {
    const std::string& bytes = bad[i];
    INFO("malformed frame " << i);
    Client c(port);
    REQUIRE(raw_upgrade(c, port));
    c.send(bytes);
    CHECK(c.closed_by_peer(5000ms));
  }
  Page big(port);
  REQUIRE(big.open());
  REQUIRE(big.send(std::string(5000, 'x')));
  std::optional<json> m;
  do m = big.next(); while (m);
  CHECK(big.close_reason().code == websocket::close_code::too_big);

  CHECK(watcher.next_of("frame"));  // the other page still gets frames
  instruments_answer(rig);
}

TEST_CASE("panel: 50 pages at once get frames; a page that never reads is dropped, memory bounded", "[panel][socket]") {
  spiceloop::panel::PanelOptions options;
  options.stalled_timeout = 1000ms;
  PanelRig rig(options, "scan64.json");  // a bigger network: bigger frames
  const std::uint16_t port = rig.panel_port();
  std::vector<std::unique_ptr<Page>> pages;
  for (int i = 0; i < 50; ++i) {
    pages.push_back(std::make_unique<Page>(port));
    REQUIRE(pages.back()->open());
  }
  for (auto& p : pages) CHECK(p->next_of("frame"));

  const long before = rss_kib();
  std::vector<std::unique_ptr<Client>> sleepers;  // upgraded, then never read, with small buffers
  for (int i = 0; i < 4; ++i) {
    sleepers.push_back(std::make_unique<Client>(port, 4096));
    REQUIRE(raw_upgrade(*sleepers.back(), port));
  }
  const std::size_t index = *rig.lab.group().find("panel");
  const std::size_t with_sleepers = rig.lab.group().connection_count(index);
  CHECK(with_sleepers == 54);
  // Frames go on for the others while the sleepers' writes stall; then the sleepers are dropped.
  const auto until = std::chrono::steady_clock::now() + 4s;
  while (std::chrono::steady_clock::now() < until)
    for (auto& p : pages) p->drain(2ms);
  CHECK(rig.lab.group().connection_count(index) == 50);
  std::size_t frames = 0;
  for (auto& p : pages) frames += p->drain(100ms);
  CHECK(frames > 0);
  for (auto& s : sleepers) CHECK(s->closed_by_peer(1000ms));
  CHECK(rss_kib() - before < 64 * 1024);
  instruments_answer(rig);
}

TEST_CASE("panel: an oversized request header is refused and a request body is not taken", "[panel][socket]") {
  PanelRig rig;
  const std::uint16_t port = rig.panel_port();
  Client big(port);
  CHECK(http_head(big, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + std::string(20000, 'a') + "\r\n\r\n")
            .rfind("HTTP/1.1 431", 0) == 0);
  Client body(port);
  CHECK(http_head(body, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello").rfind("HTTP/1.1 413", 0) == 0);
  Client garbage(port);
  garbage.send(std::string("\x16\x03\x01\x00\xff garbage\r\n\r\n", 17));
  CHECK(garbage.closed_by_peer(3000ms));
  instruments_answer(rig);
}

TEST_CASE("panel: the learning clock's loss and Q are charted as it ticks", "[panel][socket]") {
  PanelRig rig;
  Page page(rig.panel_port());
  REQUIRE(page.open());
  Client network(rig.port_of("network"));
  Client source(rig.port_of("source"));
  REQUIRE(source.query("VOLT 0.5,(@1:4);:OUTP ON,(@1:4);*OPC?") == "1");
  REQUIRE(network.query("LEARN:RULE SIGN;:LEARN:TARGET 0.2;:LEARN:CLOCK 5;*OPC?") == "1");
  double step = 0;
  json charts;
  const auto until = std::chrono::steady_clock::now() + 2s;
  while (step < 5 && std::chrono::steady_clock::now() < until) {
    const auto f = page.next_of("frame", 1s);
    REQUIRE(f);
    charts = (*f)["charts"];
    if (!charts["step"].empty()) step = charts["step"].back().get<double>();
  }
  CHECK(step == 5);
  CHECK(charts["loss"].back().is_number());
  for (const auto& q : charts["Q"]) CHECK(q.get<double>() > 0);
  REQUIRE(network.query("LEARN:CLOCK 3;*OPC?") == "1");
  const auto more = page.next_of("frame", 1s);
  REQUIRE(more);
  INFO((*more)["charts"].dump());
  for (const auto& q : (*more)["charts"]["Q"]) CHECK(q.get<double>() > 0);
  CHECK(charts["accuracy"].back().is_null());
}
