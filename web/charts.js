// Live charts of learning (uPlot, vendored under vendor/uplot): loss, accuracy, Q = sum k^2 and the
// identity residual, against the step (or the clock count). Points arrive as columns since the
// last frame; a point at the step of the last one replaces it (an epoch's accuracy after its step).
import uPlot from "./vendor/uplot/uPlot.esm.js";

const SERIES = [
  { key: "loss", label: "loss", color: "#c62828", log: true },
  { key: "accuracy", label: "test accuracy", color: "#2e7d32", log: false },
  { key: "Q", label: "Q = Σ k²  (S²)", color: "#1565c0", log: false },
  { key: "residual", label: "identity residual (relative)", color: "#6a1b9a", log: true },
];
const MAX_POINTS = 8000;

// Tick labels that stay readable from 1e-12 to 1e6 (uPlot's default rounds small values to 0).
function short(v) {
  if (v === null || !Number.isFinite(v)) return "";
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-2 || a >= 1e5) ? v.toExponential(1) : String(+v.toPrecision(3));
}

export class Charts {
  constructor(grid, note) {
    this.grid = grid;
    this.note = note;
    this.generation = null;
    this.data = { step: [], loss: [], accuracy: [], Q: [], residual: [] };
    this.plots = SERIES.map(s => {
      const box = document.createElement("div");
      box.className = "chart";
      box.dataset.series = s.key;
      grid.appendChild(box);
      const empty = document.createElement("div");
      empty.className = "empty";
      box.appendChild(empty);
      const plot = new uPlot({
        width: 300, height: 170,
        scales: { x: { time: false }, y: s.log ? { distr: 3 } : {} },
        axes: [{ size: 30 }, { size: 64, values: (u, ticks) => ticks.map(short) }],
        legend: { show: true },
        series: [{ label: "step" }, { label: s.label, stroke: s.color, width: 1.5, spanGaps: true, points: { show: false } }],
      }, [[], []], box);
      return { s, box, plot, empty };
    });
    const resize = () => this.plots.forEach(p => p.plot.setSize({ width: Math.max(180, p.box.clientWidth - 4), height: 170 }));
    new ResizeObserver(resize).observe(grid);
  }

  add(c) {
    if (c.generation !== this.generation) {
      this.generation = c.generation;
      for (const k of Object.keys(this.data)) this.data[k] = [];
    }
    const d = this.data;
    for (let i = 0; i < c.step.length; i++) {
      const last = d.step.length - 1;
      if (last >= 0 && d.step[last] === c.step[i]) for (const k of Object.keys(d)) d[k].pop();
      d.step.push(c.step[i]);
      for (const s of SERIES) d[s.key].push(c[s.key][i]);
    }
    if (d.step.length > MAX_POINTS) {
      const half = d.step.length >> 1;
      for (const k of Object.keys(d)) d[k] = d[k].filter((_, i) => i >= half || i % 2 === 0);
    }
    if (c.step.length) this.redraw();
  }

  redraw() {
    for (const p of this.plots) {
      const ys = this.data[p.s.key];
      // A log axis cannot show zero or negative values: those are left out of that chart.
      const shown = p.s.log ? ys.map(y => (y !== null && y > 0 ? y : null)) : ys;
      const any = shown.some(y => y !== null);
      p.empty.textContent = any ? "" : `${p.s.label}: no values (${this.why(p.s.key)})`;
      p.plot.setData([this.data.step, shown]);
    }
  }

  why(key) {
    if (key === "accuracy") return "not a classification task";
    if (key === "residual") return "needs the ideal oracle; the bench's learning clock has none";
    return "nothing learned yet";
  }
}
