// Each instrument as a card (state, connections, error-queue length), the traffic log's tail and
// the faults in force. Rebuilt from each frame's values; plain DOM, no framework.
import { siText } from "./graph.js";

function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function table(head, rows) {
  return h("table", {}, h("tr", {}, ...head.map(x => h("th", {}, x))),
    ...rows.map(r => h("tr", {}, ...r.map(x => x instanceof Node ? h("td", {}, x) : h("td", {}, x)))));
}

const onOff = on => (on ? "ON" : "off");

function state(name, inst) {
  if (name === "source" && inst.source)
    return table(["ch", "node", "out", "set", "V", "I", "limit", ""], inst.source.channels.map(c => [
      c.channel, c.node + (c.clamp ? " (clamp)" : ""), onOff(c.on), siText(c.setpoint_volts, "V"), siText(c.volts, "V"),
      siText(c.amps, "A"), c.limit_amps === null ? "none" : siText(c.limit_amps, "A"), c.on ? c.mode ?? "" : ""]));
  if (name === "scanner" && inst.scanner)
    return table(["ch", "node", "last reading"], inst.scanner.readings.map(r => [r.channel, r.node, siText(r.volts, "V")]));
  if (name === "digipots" && inst.digipots)
    return table(["ch", "edge", "believed", "true", "taps"], inst.digipots.channels.map(c => [
      c.channel, c.edge, c.believed, c.believed === c.true ? c.true : h("span", { class: "mismatch" }, c.true), c.taps]));
  if (name === "network" && inst.network) {
    const n = inst.network;
    return table(["clock", "rule", "eta", "alpha", "targets"], [[n.clock, n.rule, n.eta, n.alpha, n.targets.map(t => siText(t, "V")).join(", ")]]);
  }
  if (name === "smu" && inst.smu) {
    const s = inst.smu;
    return table(["node", "source", "level", "compliance", "out", "V", ""], [[s.node, s.function, s.level, s.compliance ?? "none",
      onOff(s.on), siText(s.volts, "V"), s.in_compliance ? "in compliance" : ""]]);
  }
  return null;
}

export function renderInstruments(box, values) {
  const inst = values.instruments || {};
  const cards = (values.ports || []).map(p => {
    const key = p.name.startsWith("digipots") ? "digipots" : p.name;
    const errors = p.errors === null ? "" : p.errors > 0 ? h("span", { class: "errors", title: "error queue" }, `${p.errors} in error queue`) : "error queue empty";
    const faults = Object.entries(p.faults).map(([k, v]) => `${k} ${v}`).join(", ");
    const card = h("div", { class: "card", "data-port": p.name },
      h("h2", {}, `${p.name} `, h("small", {}, `${p.connections} conn · `, errors, faults ? ` · faults: ${faults}` : "")));
    const body = p.name === key || p.name === "digipots" ? state(key, inst) : null;
    if (body && p.name !== "digipots-line" && p.name !== "digipots-pty") card.append(body);
    return card;
  });
  box.replaceChildren(...cards);
}

export function renderTraffic(tbody, faultsNote, values) {
  const t = values.traffic;
  if (t) tbody.replaceChildren(...t.entries.slice().reverse().map(e => {
    const time = new Date(e.us / 1000).toISOString().slice(11, 23);
    return h("tr", { class: e.dir }, h("td", {}, time), h("td", {}, e.port), h("td", {}, `#${e.conn}`),
      h("td", { class: "dir" }, e.dir === "in" ? "→" : e.dir === "out" ? "←" : "•"), h("td", { class: "text" }, e.text));
  }));
  const inForce = (values.ports || []).flatMap(p => Object.entries(p.faults).filter(([k]) => k !== "latency_ms").map(([k, v]) => `${p.name}: ${k} ${v}`));
  faultsNote.textContent = (values.paused ? "instruments PAUSED · " : "") + (inForce.length ? `faults in force: ${inForce.join("; ")}` : "no faults in force");
}

// A training run's facts (step, epoch, rule, backend, ...) in place of the instruments.
export function renderRun(box, run) {
  const rows = Object.entries(run).map(([k, x]) => [k, typeof x === "number" ? +x.toPrecision(6) : x ?? "—"]);
  box.replaceChildren(h("div", { class: "card" }, h("h2", {}, "Run"), table(["", ""], rows)));
}
