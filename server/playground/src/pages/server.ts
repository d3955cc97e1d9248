// The server's live state: charts of the last minutes from /metrics (polled every 2 s), the models in
// memory (/api/ps) and the engines' devices (/api/devices).
import { ApiError, getJson, request } from '../lib/api';
import { TimeChart, niceCeiling } from '../lib/charts';
import { byLabel, parsePrometheus, total, type Sample } from '../lib/metrics';
import { element, formatBytes } from '../lib/dom';
import type { Page } from './page';
import './server.css';

const POLL_MS = 2000;
const WINDOW_MS = 5 * 60 * 1000;

interface Card {
  chart: TimeChart;
  latest: HTMLElement;
  legend: HTMLElement;
}

interface ResidentModel {
  name: string;
  size?: number;
  capabilities?: string[];
  pinned?: boolean;
  active_requests?: number;
  keep_alive_seconds?: number | null;
  idle_seconds?: number;
}

const number = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
const perSecond = (v: number) => `${v.toFixed(1)}/s`;

function card(root: HTMLElement, id: string, title: string, format: (v: number) => string, ceiling?: (max: number) => number): Card {
  const chart = new TimeChart(title, WINDOW_MS, format, ceiling);
  const latest = element('span', { class: 'latest' }, '–');
  const legend = element('ul', { class: 'legend' });
  root.append(element('section', { class: 'card', id: `chart-${id}`, 'aria-label': title },
    element('h2', {}, title), element('p', { class: 'summary' }, 'Latest: ', latest), chart.canvas, legend));
  return { chart, latest, legend };
}

function explain(e: unknown, what: string): string {
  if (e instanceof ApiError && e.status === 403) return `${what} needs an admin key; this key lacks the admin scope (${e.message}).`;
  if (e instanceof ApiError && e.status === 401) return `${what} needs an API key: ${e.message}`;
  return `${what}: ${e instanceof Error ? e.message : String(e)}`;
}

function residentTable(models: ResidentModel[]): HTMLElement {
  if (!models.length) return element('p', {}, 'No model is loaded.');
  return element('table', {},
    element('thead', {}, element('tr', {}, ...['Model', 'Size', 'Capabilities', 'Active requests', 'Unloads'].map(h => element('th', { scope: 'col' }, h)))),
    element('tbody', {}, ...models.map(m => element('tr', {},
      element('th', { scope: 'row' }, m.name),
      element('td', {}, m.size !== undefined ? formatBytes(m.size) : '–'),
      element('td', {}, (m.capabilities ?? []).join(', ')),
      element('td', {}, String(m.active_requests ?? 0)),
      element('td', {}, m.pinned || m.keep_alive_seconds === null ? 'never (pinned)'
        : m.keep_alive_seconds !== undefined && m.idle_seconds !== undefined ? `after ${Math.max(0, Math.round(m.keep_alive_seconds - m.idle_seconds))} s idle` : '–')))));
}

function devicesList(engines: any[]): HTMLElement {
  return element('ul', { class: 'engines' }, ...engines.map(e => element('li', {},
    element('strong', {}, `${e.name}${e.version ? ' ' + e.version : ''}`),
    e.error ? element('p', { class: 'error' }, e.error) : null,
    element('ul', {},
      ...(e.devices ?? []).map((d: any) => element('li', {}, `${d.name} (${d.type}${d.description ? ', ' + d.description : ''}): ${formatBytes(d.memory_free ?? 0)} free of ${formatBytes(d.memory_total ?? 0)}`)),
      ...(e.providers ?? []).map((p: any) => element('li', {}, `${p.name}: ${p.available ? 'usable' : 'not usable'}${p.reason ? ' (' + p.reason + ')' : ''}`))))));
}

export const serverPage: Page = {
  title: 'Server',
  mount(root) {
    const status = element('p', { class: 'status', role: 'status' });
    const charts = element('div', { class: 'charts' });
    const resident = element('div', {}, element('p', {}, 'Loading…'));
    const devices = element('div', {}, element('p', {}, 'Loading…'));
    root.append(element('h1', {}, 'Server'), status, charts,
      element('section', { 'aria-labelledby': 'resident-title' }, element('h2', { id: 'resident-title' }, 'Loaded models'), resident),
      element('section', { 'aria-labelledby': 'devices-title' }, element('h2', { id: 'devices-title' }, 'Devices'), devices));

    const tokens = card(charts, 'tokens', 'Generated tokens per second', v => v.toFixed(1));
    const queue = card(charts, 'queue', 'Queue depth', number);
    const busy = card(charts, 'busy', 'Busy slots', number);
    // Round in the unit formatBytes shows (MB, GB: powers of 1024), so the axis reads 500.0 MB, not 476.8 MB.
    const memory = card(charts, 'memory', 'Resident memory', formatBytes, max => {
      const unit = 1024 ** Math.max(0, Math.floor(Math.log(max) / Math.log(1024)));
      return niceCeiling(max / unit) * unit;
    });
    const requests = card(charts, 'requests', 'Requests per second by status', perSecond);
    const cards = [tokens, queue, busy, memory, requests];

    const abort = new AbortController();
    let timer: number | undefined;
    let previous: { t: number; samples: Sample[] } | undefined;

    function rate(samples: Sample[], t: number, read: (s: Sample[]) => number | undefined): number | undefined {
      const now = read(samples), before = previous && read(previous.samples);
      if (now === undefined || before === undefined || !previous) return undefined;
      // A counter that went down is a restarted server: no rate for this interval.
      return now >= before ? (now - before) / ((t - previous.t) / 1000) : undefined;
    }

    function record(c: Card, label: string, t: number, v: number | undefined, text?: string): void {
      if (v === undefined || Number.isNaN(v)) return;
      c.chart.add(label, t, v);
      if (text !== undefined) c.latest.textContent = text;
    }

    function show(samples: Sample[], t: number): void {
      // A counter appears on its first increment: absent means none generated yet.
      const generated = rate(samples, t, s => total(s, 'microai_generated_tokens_total') ?? 0);
      record(tokens, 'tokens/s', t, generated, generated?.toFixed(1));
      const q = total(samples, 'microai_queue_depth') ?? 0, b = total(samples, 'microai_busy_slots') ?? 0;
      record(queue, 'queued', t, q, number(q));
      const slots = total(samples, 'microai_slots');
      record(busy, 'busy', t, b, slots !== undefined ? `${number(b)} of ${number(slots)}` : number(b));
      const rss = total(samples, 'process_resident_memory_bytes');
      record(memory, 'resident', t, rss, rss !== undefined ? formatBytes(rss) : undefined);

      const counts = byLabel(samples, 'microai_requests_total', 'status');
      const before = previous ? byLabel(previous.samples, 'microai_requests_total', 'status') : undefined;
      for (const [code, n] of [...counts].sort()) {
        const was = before?.get(code) ?? 0;
        if (previous && n >= was) requests.chart.add(code, t, (n - was) / ((t - previous.t) / 1000));
      }
      requests.latest.textContent = counts.size ? [...counts].sort().map(([code, n]) => `${code}: ${n}`).join(', ') + ' since start' : 'none yet';
      requests.legend.replaceChildren(...requests.chart.legend().map(l => {
        const swatch = element('span', { class: 'swatch', 'aria-hidden': 'true' });
        swatch.style.backgroundColor = l.color;
        return element('li', {}, swatch, `status ${l.label}`);
      }));
      previous = { t, samples };
      for (const c of cards) c.chart.draw(t);
    }

    // A refusal will not change until the key does (the shell re-mounts the page then): retrying would only
    // repeat it, and each 401 would reopen the key dialog the person just closed.
    const refused = (e: unknown) => e instanceof ApiError && (e.status === 401 || e.status === 403);
    let metricsRefused = false, residentRefused = false;

    async function poll(): Promise<void> {
      const t = Date.now();
      const jobs: Promise<unknown>[] = [];
      if (!residentRefused)
        jobs.push(getJson<{ models: ResidentModel[] }>('/api/ps', abort.signal)
          .then(r => resident.replaceChildren(residentTable(r.models ?? [])))
          .catch(e => {
            if (abort.signal.aborted) return;
            resident.replaceChildren(element('p', { class: 'error' }, explain(e, 'The list of loaded models')));
            residentRefused = refused(e);
          }));
      if (!metricsRefused)
        jobs.push(request('/metrics', { signal: abort.signal }).then(r => r.text()).then(text => {
          show(parsePrometheus(text), t);
          status.textContent = '';
        }).catch(e => {
          if (abort.signal.aborted) return;
          status.textContent = explain(e, 'The charts: /metrics');
          metricsRefused = refused(e);
        }));
      await Promise.all(jobs);
      if (!abort.signal.aborted && jobs.length) timer = window.setTimeout(poll, POLL_MS);
    }

    getJson<{ engines: any[] }>('/api/devices', abort.signal)
      .then(r => devices.replaceChildren(devicesList(r.engines ?? [])))
      .catch(e => { if (!abort.signal.aborted) devices.replaceChildren(element('p', { class: 'error' }, explain(e, 'The devices'))); });
    void poll();

    return () => {
      abort.abort();
      window.clearTimeout(timer);
    };
  },
};
