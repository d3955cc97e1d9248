// The registry: every model the server knows (local and upstream), pull by reference with live
// progress, details, load/unload and delete. Admin actions say so when the key lacks the scope.
import { ApiError, getJson, listModels, postJson, readEvents, request, type ModelInfo } from '../lib/api';
import { element, field, formatBytes } from '../lib/dom';
import type { Page } from './page';
import './models.css';

interface PullLine {
  status?: string;
  completed?: number;
  total?: number;
  bytes_per_second?: number;
  eta_seconds?: number;
  model?: string;
}

interface Details {
  path?: string;
  metadata?: Record<string, unknown>;
  manifest?: {
    files?: { name: string; role?: string; digest: string; size?: number }[];
    defaults?: Record<string, unknown>;
    chatTemplate?: string;
    source?: { kind?: string; uri?: string };
  };
}

function failure(e: unknown, action: string): string {
  if (e instanceof ApiError && e.status === 403) return `${action} needs an admin key; this key lacks the admin scope (${e.message}).`;
  if (e instanceof ApiError && e.status === 401) return `${action} needs an API key: ${e.message}`;
  return `${action} failed: ${e instanceof Error ? e.message : String(e)}`;
}

/** GET/DELETE /api/models/{**name}: each segment escaped, the slashes kept (the route takes the rest of the path). */
function modelPath(id: string): string {
  return '/api/models/' + id.split('/').map(encodeURIComponent).join('/');
}

function pairs(values: Record<string, unknown> | undefined): HTMLElement | null {
  const entries = Object.entries(values ?? {}).filter(([, v]) => v !== null && v !== undefined && v !== '');
  if (!entries.length) return null;
  return element('dl', { class: 'pairs' }, ...entries.flatMap(([k, v]) =>
    [element('dt', {}, k), element('dd', {}, Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v))]));
}

async function details(model: ModelInfo, signal: AbortSignal): Promise<HTMLElement> {
  if (model.metadata?.served_by) return element('div', { class: 'details' }, element('h3', {}, 'Metadata'), pairs(model.metadata));
  const d = await getJson<Details>(modelPath(model.id), signal);
  let template = d.manifest?.chatTemplate ?? (d.manifest?.defaults?.chatTemplate as string | undefined);
  if (!template && d.metadata?.has_chat_template)
    template = (await postJson<{ template?: string }>('/api/show', { model: model.id }, signal)).template;
  const { chatTemplate: _, ...defaults } = d.manifest?.defaults ?? {};
  const files = d.manifest?.files ?? [];
  return element('div', { class: 'details' },
    element('h3', {}, 'Metadata'), pairs({ ...d.metadata, size: formatBytes(Number(d.metadata?.size ?? 0)), 'pulled from': d.manifest?.source?.uri, path: d.path }),
    Object.keys(defaults).length ? element('h3', {}, 'Defaults') : null, pairs(defaults),
    files.length ? element('h3', {}, 'Files') : null,
    files.length ? element('ul', {}, ...files.map(f => element('li', {}, `${f.name} (${f.role ?? 'file'}, ${formatBytes(f.size ?? 0)}) `, element('code', {}, f.digest)))) : null,
    element('h3', {}, 'Chat template'),
    template ? element('pre', { class: 'template' }, template) : element('p', { class: 'muted' }, 'None.'));
}

export const modelsPage: Page = {
  title: 'Models',
  mount(root) {
    const abort = new AbortController();
    const expanded = new Set<string>();
    const message = element('p', { class: 'status', role: 'status' });
    const body = element('tbody');
    const table = element('table', { class: 'models' },
      element('caption', { class: 'visually-hidden' }, 'Models known to this server'),
      element('thead', {}, element('tr', {}, ...['Name', 'Format', 'Size', 'Quantization', 'Capabilities', 'Loaded', 'Actions'].map(h => element('th', { scope: 'col' }, h)))),
      body);

    const source = element('input', { type: 'text', name: 'source', required: true, placeholder: 'hf.co/owner/repo:Q4_K_M, https://…/model.gguf or registry/repo:tag', spellcheck: 'false', autocomplete: 'off' });
    const name = element('input', { type: 'text', name: 'name', placeholder: 'from the source', spellcheck: 'false', autocomplete: 'off' });
    const pullButton = element('button', { type: 'submit' }, 'Pull');
    const progress = element('progress', { max: 1, value: 0, 'aria-label': 'Pull progress' });
    const progressText = element('span', { class: 'progress-text', 'aria-live': 'polite' });
    const progressRow = element('div', { class: 'row pull-progress', hidden: true }, progress, progressText);
    const form = element('form', { class: 'panel pull', 'aria-label': 'Pull a model' },
      element('div', { class: 'row' }, field('Source (Hugging Face reference, URL or OCI reference)', source), field('Name (optional)', name), pullButton),
      progressRow);

    root.append(element('h1', {}, 'Models'), form, message, table);

    async function refresh(): Promise<void> {
      try {
        const models = await listModels(abort.signal);
        body.replaceChildren(...models.sort((a, b) => a.id.localeCompare(b.id)).flatMap(row));
        if (!models.length) body.append(element('tr', {}, element('td', { colspan: 7 }, 'No models yet: pull one above.')));
      } catch (e) {
        if (!abort.signal.aborted) message.textContent = failure(e, 'Listing the models');
      }
    }

    async function act(label: string, work: () => Promise<unknown>, done: string): Promise<void> {
      message.textContent = `${label}…`;
      try {
        await work();
        message.textContent = done;
      } catch (e) {
        if (!abort.signal.aborted) message.textContent = failure(e, label);
      }
      await refresh();
    }

    function row(m: ModelInfo): HTMLElement[] {
      const md = m.metadata ?? {};
      const upstream = typeof md.served_by === 'string' ? md.served_by : undefined;
      const panel = element('td', { colspan: 7 });
      const detailRow = element('tr', { class: 'detail-row', hidden: true }, panel);
      const toggle = element('button', { type: 'button', class: 'quiet', 'aria-expanded': 'false', 'aria-label': `Details of ${m.id}` }, 'Details');
      const show = async (open: boolean) => {
        detailRow.hidden = !open;
        toggle.setAttribute('aria-expanded', String(open));
        if (open) expanded.add(m.id);
        else expanded.delete(m.id);
        if (!open || panel.childElementCount) return;
        panel.textContent = 'Loading…';
        try {
          panel.replaceChildren(await details(m, abort.signal));
        } catch (e) {
          panel.textContent = failure(e, 'Reading the details');
        }
      };
      toggle.addEventListener('click', () => show(detailRow.hidden));
      // Details stay open across the refresh that follows every action.
      if (expanded.has(m.id)) void show(true);
      const actions = element('td', { class: 'actions' }, toggle);
      if (!upstream) {
        actions.append(md.loaded
          ? element('button', { type: 'button', class: 'quiet', 'aria-label': `Unload ${m.id}`, onclick: () => act(`Unloading ${m.id}`, () => postJson('/api/unload', { model: m.id }), `Unloaded ${m.id}.`) }, 'Unload')
          : element('button', { type: 'button', class: 'quiet', 'aria-label': `Load ${m.id}`, onclick: () => act(`Loading ${m.id}`, () => postJson('/api/load', { model: m.id }), `Loaded ${m.id}.`) }, 'Load'));
      }
      if (md.source === 'registry') {
        const confirm = element('span', { class: 'confirm', hidden: true }, `Delete ${m.id}? `,
          element('button', { type: 'button', class: 'danger', onclick: () => act(`Deleting ${m.id}`, () => request(modelPath(m.id), { method: 'DELETE' }), `Deleted ${m.id}.`) }, 'Yes, delete'),
          element('button', { type: 'button', class: 'quiet', onclick: () => { confirm.hidden = true; ask.hidden = false; ask.focus(); } }, 'Keep'));
        const ask = element('button', { type: 'button', class: 'quiet', 'aria-label': `Delete ${m.id}`, onclick: () => { ask.hidden = true; confirm.hidden = false; (confirm.querySelector('button') as HTMLButtonElement).focus(); } }, 'Delete');
        actions.append(ask, confirm);
      }
      const loaded = upstream ? '–' : md.loaded ? 'loaded' : 'no';
      return [element('tr', { 'data-model': m.id },
        element('th', { scope: 'row' }, m.id, upstream ? element('span', { class: 'badge' }, `upstream: ${md.upstream ?? upstream}`) : null),
        element('td', {}, upstream ? 'upstream' : String(md.format ?? '–')),
        element('td', {}, typeof md.size === 'number' ? formatBytes(md.size) : '–'),
        element('td', {}, String(md.quantization ?? '–')),
        element('td', {}, (md.capabilities ?? []).join(', ') || '–'),
        element('td', { class: md.loaded ? 'ok' : '' }, loaded),
        actions), detailRow];
    }

    form.addEventListener('submit', async event => {
      event.preventDefault();
      const reference = source.value.trim();
      if (!reference) return;
      pullButton.disabled = true;
      progressRow.hidden = false;
      progress.removeAttribute('value'); // indeterminate until the first line says how much
      progressText.textContent = 'Starting…';
      message.textContent = '';
      try {
        const response = await request('/api/registry/pull', {
          method: 'POST', signal: abort.signal, headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ source: reference, name: name.value.trim() || undefined }),
        });
        let pulled: string | undefined;
        await readEvents(response, (line: PullLine) => {
          if (line.status === 'success') { pulled = line.model; return; }
          showProgress(line);
        });
        if (!pulled) throw new Error('the server ended the pull without a result.');
        progress.max = 1;
        progress.value = 1;
        progress.setAttribute('aria-valuenow', '100');
        progressText.textContent = `Pulled ${pulled}.`;
        source.value = name.value = '';
      } catch (e) {
        if (abort.signal.aborted) return;
        progressRow.hidden = true;
        message.textContent = failure(e, 'Pulling');
      } finally {
        pullButton.disabled = false;
      }
      await refresh();
    });

    function showProgress(p: PullLine): void {
      const parts = [p.status ?? 'working'];
      if (p.total) {
        const percent = Math.floor((100 * (p.completed ?? 0)) / p.total);
        progress.max = p.total;
        progress.value = p.completed ?? 0;
        progress.setAttribute('aria-valuenow', String(percent));
        parts.unshift(`${percent}%`);
        parts.push(`${formatBytes(p.completed ?? 0)} of ${formatBytes(p.total)}`);
      } else if (p.completed) parts.push(formatBytes(p.completed));
      if (p.bytes_per_second) parts.push(`${formatBytes(p.bytes_per_second)}/s`);
      if (p.eta_seconds !== undefined) parts.push(`${Math.ceil(p.eta_seconds)} s left`);
      progressText.textContent = parts.join(' · ');
    }

    void refresh();
    return () => abort.abort();
  },
};
