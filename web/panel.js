// The front panel's page: one WebSocket to the server (same origin, /ws). The server sends a
// "hello" with the drawing, then frames of values and chart points; the page sends actions
// {"cmd":..., "token":..., "id":n} and shows each reply. The token comes from the address's
// fragment (#token=...), which browsers never send to the server in a request.
import { NetworkView } from "./graph.js";
import { Charts } from "./charts.js";
import { renderInstruments, renderRun, renderTraffic } from "./instruments.js";

const $ = id => document.getElementById(id);
const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
const view = new NetworkView($("network"), $("hover"), $("legend"));
const charts = new Charts($("chart-grid"), $("charts-note"));
let socket = null, nextId = 1, paused = false, frames = 0;
const pending = new Map();

$("auth").textContent = token ? "control token given" : "watching only (no token)";

function connect() {
  socket = new WebSocket(`ws://${location.host}/ws`);
  socket.onopen = () => { $("link").textContent = "live"; $("link").className = "badge ok"; };
  socket.onclose = () => {
    $("link").textContent = "disconnected, retrying";
    $("link").className = "badge warn";
    setTimeout(connect, 1000);
  };
  socket.onmessage = ev => {
    const m = JSON.parse(ev.data);
    if (m.type === "hello") hello(m);
    else if (m.type === "frame") frame(m);
    else if (m.type === "reply") replied(m);
  };
}

function hello(m) {
  const g = m.graph;
  $("title").textContent = g.title || "spiceloop";
  $("kind").textContent = { bench: "emulated bench", run: "training run", replay: "replay of a finished run" }[g.kind] || "";
  $("network-note").textContent = `${g.nodes.length} nodes, ${g.edges.length} edges, ${g.layout} layout`;
  view.draw(g);
  $("controls").hidden = !m.actions || m.actions.length === 0;
  document.body.dataset.ready = "1";
}

function frame(m) {
  const v = m.values;
  frames++;
  document.body.dataset.frames = frames;
  const clamped = new Set();
  if (v.instruments && v.instruments.source && view.graph) {
    for (const c of v.instruments.source.channels)
      if (c.clamp && c.on) clamped.add(view.graph.nodes.findIndex(n => n.name === c.node));
  }
  view.update(v, clamped);
  charts.add(m.charts);
  if (v.ports) {
    renderInstruments($("instruments"), v);
    renderTraffic($("traffic").tBodies[0], $("faults"), v);
    fillPorts(v.ports);
  }
  if (v.run) {
    renderRun($("instruments"), v.run);
    $("traffic-card").hidden = true;
  }
  paused = !!v.paused;
  $("paused").hidden = !paused;
  $("pause").textContent = paused ? "Resume" : "Pause";
  if (v.error) $("network-note").textContent = `solve failed: ${v.error}`;
}

function fillPorts(ports) {
  const select = $("fault-port");
  const names = ports.filter(p => p.name !== "control" && p.name !== "panel").map(p => p.name);
  if (select.options.length === names.length) return;
  select.replaceChildren(...names.map(n => new Option(n, n)));
}

function act(request) {
  const id = nextId++;
  request.id = id;
  if (token) request.token = token;
  $("action-status").textContent = `${request.cmd}…`;
  $("action-status").className = "";
  pending.set(id, request.cmd);
  socket.send(JSON.stringify(request));
}

function replied(m) {
  const cmd = pending.get(m.id) || "action";
  pending.delete(m.id);
  const s = $("action-status");
  s.textContent = m.ok ? `${cmd}: done` : `${cmd} refused: ${m.error}${m.detail ? ` (${m.detail})` : ""}`;
  s.className = m.ok ? "ok" : "refused";
  s.dataset.last = m.ok ? "ok" : m.error;
}

$("pause").onclick = () => act({ cmd: paused ? "resume" : "pause" });
$("reseed").onclick = () => act({ cmd: "reseed", seed: Number($("seed").value) });
$("fault").onclick = () => {
  const kind = $("fault-kind").value, value = Number($("fault-value").value);
  const r = { cmd: "fault", port: $("fault-port").value, kind };
  if (kind === "delay") r.ms = value;
  if (kind === "error") r.code = value;
  if (kind === "garbage") r.bytes = value;
  act(r);
};

connect();
