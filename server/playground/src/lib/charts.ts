// A time-series chart on <canvas>, drawn without a library: one or more lines over a sliding window,
// y from 0 to a rounded maximum. The canvas is an image to assistive technology; its aria-label and
// the caller's text summary carry the latest values.

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2'];

interface Line {
  label: string;
  color: string;
  points: { t: number; v: number }[];
}

export class TimeChart {
  readonly canvas: HTMLCanvasElement;
  private readonly lines = new Map<string, Line>();

  /** ceiling: the axis top for a maximum (round decimal numbers unless given, e.g. round binary ones for bytes). */
  constructor(private readonly name: string, private readonly windowMs: number, private readonly format: (v: number) => string,
    private readonly ceiling: (max: number) => number = niceCeiling) {
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', `${name}: no data yet`);
    this.canvas.className = 'chart';
  }

  /** Adds a point to the named line (created on first use) and drops points older than the window. */
  add(label: string, t: number, v: number): void {
    let line = this.lines.get(label);
    if (!line) this.lines.set(label, (line = { label, color: PALETTE[this.lines.size % PALETTE.length], points: [] }));
    line.points.push({ t, v });
    while (line.points.length && line.points[0].t < t - this.windowMs) line.points.shift();
  }

  /** Points drawn so far across all lines. */
  get size(): number {
    let n = 0;
    for (const l of this.lines.values()) n += l.points.length;
    return n;
  }

  /** The lines' labels and colours (for a legend built as text). */
  legend(): { label: string; color: string }[] {
    return [...this.lines.values()].map(({ label, color }) => ({ label, color }));
  }

  draw(now: number): void {
    const c = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = c.clientWidth || 320, height = c.clientHeight || 120;
    if (c.width !== Math.round(width * ratio) || c.height !== Math.round(height * ratio)) {
      c.width = Math.round(width * ratio);
      c.height = Math.round(height * ratio);
    }
    const g = c.getContext('2d');
    if (!g) return;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);

    let max = 0;
    for (const l of this.lines.values()) for (const p of l.points) max = Math.max(max, p.v);
    const top = this.ceiling(max);
    const left = 4, right = width - 4, plotTop = 16, bottom = height - 14;
    const x = (t: number) => left + ((t - (now - this.windowMs)) / this.windowMs) * (right - left);
    const y = (v: number) => bottom - (v / top) * (bottom - plotTop);

    const ink = getComputedStyle(c).color || '#666';
    g.strokeStyle = ink;
    g.globalAlpha = 0.2;
    g.lineWidth = 1;
    for (const f of [0, 0.5, 1]) {
      g.beginPath();
      g.moveTo(left, Math.round(y(top * f)) + 0.5);
      g.lineTo(right, Math.round(y(top * f)) + 0.5);
      g.stroke();
    }
    g.globalAlpha = 1;
    g.fillStyle = ink;
    g.font = '11px system-ui, sans-serif';
    g.fillText(this.format(top), left, 11);
    g.fillText(`${Math.round(this.windowMs / 60000)} min`, left, height - 2);
    g.textAlign = 'right';
    g.fillText('now', right, height - 2);
    g.textAlign = 'left';

    g.lineWidth = 2;
    g.lineJoin = 'round';
    for (const l of this.lines.values()) {
      if (!l.points.length) continue;
      g.strokeStyle = l.color;
      g.beginPath();
      l.points.forEach((p, i) => (i ? g.lineTo(x(p.t), y(p.v)) : g.moveTo(x(p.t), y(p.v))));
      if (l.points.length === 1) g.lineTo(x(l.points[0].t) + 2, y(l.points[0].v));
      g.stroke();
    }

    const latest = [...this.lines.values()].filter(l => l.points.length).map(l => `${this.lines.size > 1 ? l.label + ' ' : ''}${this.format(l.points[l.points.length - 1].v)}`);
    c.setAttribute('aria-label', `${this.name}, last ${Math.round(this.windowMs / 60000)} minutes: ${latest.length ? 'latest ' + latest.join(', ') : 'no data yet'}`);
  }
}

/** 1, 2 or 5 × a power of ten at or above v (at least 1), so the axis reads in round numbers. */
export function niceCeiling(v: number): number {
  if (!(v > 1)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}
