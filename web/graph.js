// The network as an SVG graph: nodes where the server's layout puts them, edges as lines (or as
// squares for crossbar cells), coloured by conductance on a log scale within each edge's range,
// a halo in the colour of the latest change (green up, red down) fading over a few seconds, nodes
// coloured by voltage. Every edge element carries data-edge and data-siemens, every node data-node
// and data-volts, so tests and hover read what is drawn.
const SVG = "http://www.w3.org/2000/svg";
const FADE_S = 3;

function el(name, attrs, parent) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

// Viridis-like ramp, t in [0, 1].
const RAMP = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
export function ramp(t) {
  t = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(t)), f = t - i;
  const c = RAMP[i].map((v, k) => Math.round(v + f * (RAMP[i + 1][k] - v)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

// Blue (negative) - white - red (positive), v / vmax in [-1, 1].
function diverging(x) {
  x = Math.min(1, Math.max(-1, Number.isFinite(x) ? x : 0));
  const a = Math.round(255 * (1 - Math.abs(x)));
  return x >= 0 ? `rgb(255,${a},${a})` : `rgb(${a},${a},255)`;
}

export function siText(x, unit) {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  const a = Math.abs(x);
  const p = [[1e9, "G"], [1e6, "M"], [1e3, "k"], [1, ""], [1e-3, "m"], [1e-6, "µ"], [1e-9, "n"], [1e-12, "p"]];
  for (const [s, n] of p) if (a >= s) return `${(x / s).toPrecision(4)} ${n}${unit}`;
  return a === 0 ? `0 ${unit}` : `${x.toExponential(3)} ${unit}`;
}

export class NetworkView {
  constructor(svg, hover, legend) {
    this.svg = svg;
    this.hover = hover;
    this.legend = legend;
  }

  draw(graph) {
    this.graph = graph;
    const svg = this.svg;
    svg.replaceChildren();
    const xs = graph.nodes.map(n => n.x), ys = graph.nodes.map(n => n.y);
    for (const e of graph.edges) if (e.cell) { xs.push(e.cell[0]); ys.push(e.cell[1]); }
    const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    const pad = 0.8;
    svg.setAttribute("viewBox", `${x0 - pad} ${y0 - pad} ${x1 - x0 + 2 * pad} ${y1 - y0 + 2 * pad}`);
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    const span = Math.max(x1 - x0, y1 - y0, 1);
    const size = Math.min(0.32, Math.max(0.05, span / 40));  // node radius in grid steps
    this.size = size;
    const edges = el("g", {}, svg), halos = el("g", {}, svg), nodes = el("g", {}, svg), labels = el("g", {}, svg);
    this.edges = graph.edges.map((e, j) => {
      const a = graph.nodes[e.a], b = graph.nodes[e.b];
      let shape, halo;
      if (e.cell) {
        const s = 0.7, [cx, cy] = e.cell;
        el("line", { x1: a.x, y1: cy, x2: cx, y2: cy, stroke: "#ccd", "stroke-width": size * 0.25 }, edges);
        el("line", { x1: cx, y1: cy, x2: cx, y2: b.y, stroke: "#ccd", "stroke-width": size * 0.25 }, edges);
        halo = el("rect", { x: cx - s / 2 - 0.08, y: cy - s / 2 - 0.08, width: s + 0.16, height: s + 0.16, fill: "none",
                            "stroke-width": 0.12, opacity: 0 }, halos);
        shape = el("rect", { x: cx - s / 2, y: cy - s / 2, width: s, height: s, class: "edge" }, edges);
      } else {
        const w = e.kind === "diode" ? size * 0.6 : size * 0.9;
        halo = el("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, "stroke-width": w * 2.6, opacity: 0, "stroke-linecap": "round" }, halos);
        shape = el("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: "edge", "stroke-width": w }, edges);
        if (e.kind === "diode") shape.setAttribute("stroke-dasharray", `${size} ${size * 0.6}`);
      }
      shape.dataset.edge = e.name;
      shape.dataset.index = j;
      shape.addEventListener("mousemove", ev => this.show(ev, () => this.edgeText(j)));
      shape.addEventListener("mouseleave", () => this.hide());
      return { shape, halo, edge: e };
    });
    this.nodes = graph.nodes.map((n, i) => {
      const r = n.role === "ground" ? size * 1.1 : size;
      const ring = n.role === "input" || n.role === "output" ? size * 0.45 : size * 0.18;
      const c = el("circle", { cx: n.x, cy: n.y, r, class: `node ${n.role}`, fill: "#fff", "stroke-width": ring }, nodes);
      c.dataset.node = n.name;
      c.addEventListener("mousemove", ev => this.show(ev, () => this.nodeText(i)));
      c.addEventListener("mouseleave", () => this.hide());
      if (graph.nodes.length <= 80 || n.role) {
        const t = el("text", { x: n.x + r * 1.3, y: n.y - r * 1.3, "font-size": Math.max(size * 1.1, 0.18) }, labels);
        t.textContent = n.role === "input" ? `${n.name} in` : n.role === "output" ? `${n.name} out` : n.role === "ground" ? "gnd" : n.name;
      }
      return c;
    });
    this.values = null;
    this.legend.innerHTML = `<span>conductance <span class="bar" style="background:linear-gradient(90deg,${ramp(0)},${ramp(0.5)},${ramp(1)})"></span> low → high in each edge's range (log)</span>
      <span>node voltage <span class="bar" style="background:linear-gradient(90deg,rgb(0,0,255),#fff,rgb(255,0,0))"></span> − / +</span>
      <span>halo: latest change (green up, red down)</span><span>inputs blue ring, outputs purple, clamped dashed</span>`;
  }

  update(values, clamped) {
    if (!this.graph || !values.edges) return;
    this.values = values;
    const { siemens, change, age_s: age, code } = values.edges;
    this.edges.forEach(({ shape, halo, edge }, j) => {
      const g = siemens[j];
      shape.dataset.siemens = g;
      if (code && code[j] !== null && code[j] !== undefined) shape.dataset.code = code[j];
      let color = "#888";
      if (edge.kind !== "diode" && edge.range && g > 0) {
        const [lo, hi] = edge.range;
        color = ramp(hi > lo ? Math.log(g / lo) / Math.log(hi / lo) : 0.5);
      }
      shape.setAttribute(edge.cell ? "fill" : "stroke", color);
      const a = age ? age[j] : null;
      const fade = a === null || a === undefined ? 0 : Math.max(0, 1 - a / FADE_S);
      halo.setAttribute("opacity", (0.8 * fade).toFixed(3));
      halo.setAttribute("stroke", change && change[j] < 0 ? "#e53935" : "#43a047");
    });
    const volts = values.nodes ? values.nodes.volts : null;
    if (volts) {
      const vmax = Math.max(1e-12, ...volts.map(Math.abs));
      this.nodes.forEach((c, i) => {
        c.dataset.volts = volts[i];
        if (this.graph.nodes[i].role !== "ground") c.setAttribute("fill", diverging(volts[i] / vmax));
        if (clamped.has(i)) c.setAttribute("stroke-dasharray", `${this.size * 0.5} ${this.size * 0.35}`);
        else c.removeAttribute("stroke-dasharray");
        c.classList.toggle("clamped", clamped.has(i));
      });
    }
  }

  edgeText(j) {
    const e = this.graph.edges[j], v = this.values;
    const lines = [`${e.name}  ${e.kind}${e.trainable ? ", trainable" : ""}  ${this.graph.nodes[e.a].name} → ${this.graph.nodes[e.b].name}`];
    if (v && v.edges) {
      const g = v.edges.siemens[j];
      if (e.kind !== "diode") lines.push(`${siText(g, "S")}  (${siText(1 / g, "Ω")})`);
      if (v.edges.code && v.edges.code[j] !== null) lines.push(`code ${v.edges.code[j]} of ${e.taps}`);
      if (v.edges.age_s && v.edges.age_s[j] !== null)
        lines.push(`last change ${v.edges.change[j] > 0 ? "+" : ""}${siText(v.edges.change[j], "S")}, ${v.edges.age_s[j].toFixed(1)} s ago`);
      if (v.nodes) lines.push(`ΔV ${siText(v.nodes.volts[e.a] - v.nodes.volts[e.b], "V")}`);
    }
    return lines.join("\n");
  }

  nodeText(i) {
    const n = this.graph.nodes[i], v = this.values;
    return `${n.name}${n.role ? ` (${n.role})` : ""}\n${v && v.nodes ? siText(v.nodes.volts[i], "V") : "—"}`;
  }

  show(ev, text) {
    const box = this.svg.parentElement.getBoundingClientRect();
    this.hover.textContent = text();
    this.hover.hidden = false;
    this.hover.style.left = `${ev.clientX - box.left + 14}px`;
    this.hover.style.top = `${ev.clientY - box.top + 10}px`;
  }

  hide() { this.hover.hidden = true; }
}
