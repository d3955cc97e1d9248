// Classify: a file's content type (Magika-type models), an image's top labels, a text's labels, by the
// server (POST /v1/classifications) or, for models small enough, in this browser (runtime/), where the
// content never leaves the page. Each answer says which side computed it.
import { listModels, postJson, type ModelInfo } from '../lib/api';
import { element, field, formatBytes } from '../lib/dom';
import { listFiles, totalBytes, type ModelFiles } from '../runtime/files';
import { browserTasks, loadClassifier, type LabelScore } from '../runtime/classifier';
import type { Page } from './page';
import './classify.css';

type Kind = 'file' | 'image' | 'text';

interface Panel { kind: Kind; title: string; task: string; hint: string }

const panels: Panel[] = [
  { kind: 'file', title: 'File type', task: 'byte-classification', hint: 'Drop any file here: its content type is read from its bytes (Magika).' },
  { kind: 'image', title: 'Image', task: 'image-classification', hint: 'Drop a PNG or JPEG here for the image classifier’s top 5.' },
  { kind: 'text', title: 'Text', task: 'text-classification', hint: 'Paste text for the text classifier’s labels.' },
];

const TOP = 5;

interface ClassificationResponse { data: { labels?: LabelScore[]; label?: string }[] }

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function taskOf(m: ModelInfo): string | undefined {
  return typeof m.metadata?.task === 'string' ? m.metadata.task : undefined;
}

export const classifyPage: Page = {
  title: 'Classify',
  mount(root) {
    const abort = new AbortController();
    const status = element('p', { class: 'muted', role: 'status' }, 'Loading the server’s classifiers…');
    const grid = element('div', { class: 'classify-grid' });
    root.append(
      element('h1', {}, 'Classify'),
      element('p', { class: 'muted' }, 'Drop a file, an image or some text. The server classifies it — or, with “Run in this browser”, ' +
        'the model is downloaded once and runs here, so the content never leaves this page.'),
      status, grid);

    listModels(abort.signal).then(models => {
      const classifiers = models.filter(m => m.metadata?.capabilities?.includes('classification'));
      status.textContent = classifiers.length ? '' : 'The server has no classification models.';
      for (const p of panels) grid.append(panel(p, classifiers.filter(m => taskOf(m) === p.task), abort.signal));
    }).catch(e => { if (!abort.signal.aborted) { status.textContent = `Could not list models: ${e.message}`; status.className = 'error'; } });

    return () => abort.abort();
  },
};

function panel(p: Panel, models: ModelInfo[], signal: AbortSignal): HTMLElement {
  const section = element('section', { class: 'panel classify-panel', 'data-kind': p.kind, 'aria-labelledby': `classify-${p.kind}-title` },
    element('h2', { id: `classify-${p.kind}-title` }, p.title));
  if (!models.length) {
    section.append(element('p', { class: 'muted' }, `No ${p.task.replace('-', ' ')} model on this server.`));
    return section;
  }
  const select = element('select', { name: `${p.kind}-model` }, ...models.map(m => element('option', { value: m.id }, m.id)));
  const local = element('input', { type: 'checkbox', name: `${p.kind}-browser`, disabled: true });
  const localLabel = element('label', { class: 'browser-toggle' }, local, element('span', {}, 'Run in this browser'));
  const localNote = element('p', { class: 'muted small' });
  const progress = element('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Model download' });
  const result = element('div', { class: 'classify-result', 'aria-live': 'polite' });
  let files: ModelFiles | undefined;

  async function describe(): Promise<void> {
    files = undefined;
    local.checked = false;
    local.disabled = true;
    localNote.textContent = '';
    try {
      const m = await listFiles(select.value, signal);
      if (m.model !== select.value) return;
      files = m;
      if (m.browser && browserTasks.includes(m.task ?? '')) {
        local.disabled = false;
        localNote.textContent = `${formatBytes(totalBytes(m))}, downloaded once and kept in this browser’s cache.`;
      } else {
        localNote.textContent = `Runs on the server only: ${m.reason ?? `the browser does not run ${m.task ?? 'this kind of'} models.`}`;
      }
    } catch (e) {
      if (!signal.aborted) localNote.textContent = `Runs on the server only (${(e as Error).message}).`;
    }
  }
  select.addEventListener('change', () => { result.replaceChildren(); void describe(); });
  void describe();

  async function classify(input: Uint8Array | string, preview?: File): Promise<void> {
    const model = select.value;
    const inBrowser = local.checked && files !== undefined;
    result.replaceChildren(element('p', { class: 'muted' }, inBrowser ? 'Classifying in this browser…' : 'Classifying on the server…'));
    const started = performance.now();
    try {
      let labels: LabelScore[];
      if (inBrowser) {
        progress.hidden = false;
        const c = await loadClassifier(files!, (done, total) => { progress.value = total ? done / total : 1; });
        progress.hidden = true;
        const t0 = performance.now();
        labels = (await c.classify(input)).slice(0, TOP);
        show(labels, 'browser', performance.now() - t0, model, preview);
      } else {
        const item = p.kind === 'text' ? input
          : p.kind === 'image' ? { image: `data:${preview?.type || 'image/png'};base64,${base64(input as Uint8Array)}` }
          : { bytes: base64(input as Uint8Array) };
        const r = await postJson<ClassificationResponse>('/v1/classifications', { model, input: item, top_k: TOP }, signal);
        const d = r.data[0];
        labels = d.labels ?? (d.label ? [{ label: d.label, score: 1 }] : []);
        show(labels, 'server', performance.now() - started, model, preview);
      }
    } catch (e) {
      progress.hidden = true;
      if (!signal.aborted) result.replaceChildren(element('p', { class: 'error' }, (e as Error).message));
    }
  }

  function show(labels: LabelScore[], side: 'browser' | 'server', ms: number, model: string, preview?: File): void {
    if (signal.aborted) return;
    const list = element('ol', { class: 'bars' });
    for (const l of labels) {
      const fill = element('span', { class: 'fill' });
      fill.style.width = `${Math.max(0, Math.min(1, l.score)) * 100}%`;
      list.append(element('li', { 'data-label': l.label, 'data-score': String(l.score) },
        element('span', { class: 'name' }, l.label), element('span', { class: 'track', 'aria-hidden': 'true' }, fill),
        element('span', { class: 'value' }, `${(l.score * 100).toFixed(l.score >= 0.995 ? 0 : 1)}%`)));
    }
    result.replaceChildren(element('p', { class: `side side-${side}`, 'data-side': side },
      side === 'browser' ? 'Computed in this browser' : 'Computed by the server',
      element('span', { class: 'muted' }, ` · ${preview ? `${preview.name} · ` : ''}${model} · ${ms.toFixed(0)} ms`)));
    if (preview && p.kind === 'image') {
      const img = element('img', { class: 'preview', alt: 'The classified image' });
      img.src = URL.createObjectURL(preview);
      img.addEventListener('load', () => URL.revokeObjectURL(img.src), { once: true });
      result.append(img);
    }
    result.append(list);
  }

  section.append(field('Model', select), localLabel, localNote, progress);
  if (p.kind === 'text') {
    const text = element('textarea', { rows: 4, name: 'text', placeholder: 'Text to classify' });
    const go = element('button', { type: 'submit' }, 'Classify text');
    const form = element('form', {}, field('Text', text), go);
    form.addEventListener('submit', e => { e.preventDefault(); if (text.value.trim()) void classify(text.value); });
    section.append(form);
  } else {
    const input = element('input', { type: 'file', name: `${p.kind}-input`, accept: p.kind === 'image' ? 'image/png,image/jpeg' : undefined });
    const zone = element('div', { class: 'dropzone' }, element('p', {}, p.hint), field(p.kind === 'image' ? 'Choose an image' : 'Choose a file', input));
    const take = async (file: File | undefined) => { if (file) await classify(new Uint8Array(await file.arrayBuffer()), file); };
    input.addEventListener('change', () => void take(input.files?.[0]));
    zone.addEventListener('dragover', e => { e.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', e => { e.preventDefault(); zone.classList.remove('over'); void take(e.dataTransfer?.files[0]); });
    section.append(zone);
  }
  section.append(result);
  return section;
}
