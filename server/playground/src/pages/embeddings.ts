// Embeddings: several texts through POST /v1/embeddings with an embedding model, and the cosine
// similarity of every pair as a heat map. The heat map is a table (each cell's number is its text,
// the colour only repeats it), so it reads the same to a screen reader as on screen. With "Run in this
// browser" (registry ONNX embedders small enough), the vectors are computed here (runtime/embedder.ts)
// and the texts never leave the page; the status says which side computed the matrix.
import { ApiError, listModels, postJson } from '../lib/api';
import { element, field, formatBytes } from '../lib/dom';
import { listFiles, totalBytes, type ModelFiles } from '../runtime/files';
import type { Page } from './page';
import './embeddings.css';

const SAMPLE = ['The cat sat on the mat.', 'A kitten rests on the rug.', 'Stock markets fell sharply today.'];

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

function short(text: string): string {
  return text.length > 32 ? text.slice(0, 31) + '…' : text;
}

/** Similarity -1…1 → a colour: white at 0, toward the accent blue at 1 and red at -1. */
function shade(s: number): string {
  const t = Math.min(1, Math.abs(s));
  const [r, g, b] = s >= 0 ? [37, 99, 235] : [220, 38, 38];
  return `rgb(${Math.round(255 - (255 - r) * t)} ${Math.round(255 - (255 - g) * t)} ${Math.round(255 - (255 - b) * t)})`;
}

function heatMap(texts: string[], matrix: number[][]): HTMLElement {
  const label = (i: number) => `${i + 1}. ${short(texts[i])}`;
  return element('table', { class: 'heatmap' },
    element('caption', {}, 'Cosine similarity of each pair of texts (1.00 = same direction)'),
    element('thead', {}, element('tr', {}, element('td', {}), ...texts.map((t, j) => element('th', { scope: 'col', title: t }, label(j))))),
    element('tbody', {}, ...matrix.map((row, i) => element('tr', {},
      element('th', { scope: 'row', title: texts[i] }, label(i)),
      ...row.map((s, j) => {
        const cell = element('td', { 'data-row': i, 'data-col': j, 'data-value': String(s), class: s > 0.6 ? 'strong' : '' }, s.toFixed(2));
        cell.style.backgroundColor = shade(s);
        return cell;
      })))));
}

export const embeddingsPage: Page = {
  title: 'Embeddings',
  mount(root) {
    const abort = new AbortController();
    const picker = element('select', { name: 'model' });
    const texts = element('textarea', { name: 'texts', rows: 6, spellcheck: 'false' }, SAMPLE.join('\n'));
    const run = element('button', { type: 'submit' }, 'Compare');
    const local = element('input', { type: 'checkbox', name: 'embed-browser', disabled: true });
    const localNote = element('p', { class: 'muted small' });
    const progress = element('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Model download' });
    const status = element('p', { class: 'status', role: 'status' });
    const result = element('div', { class: 'result' });
    const form = element('form', { class: 'panel embed-form', 'aria-label': 'Texts to compare' },
      element('div', { class: 'row' }, field('Embedding model', picker), run),
      element('label', { class: 'browser-toggle' }, local, element('span', {}, 'Run in this browser')), localNote, progress,
      field('Texts, one per line', texts));
    let files: ModelFiles | undefined;

    async function describe(): Promise<void> {
      files = undefined;
      local.checked = false;
      local.disabled = true;
      localNote.textContent = '';
      const model = picker.value;
      if (!model) return;
      try {
        const m = await listFiles(model, abort.signal);
        if (model !== picker.value) return;
        files = m;
        if (m.browser && m.task === 'embeddings') {
          local.disabled = false;
          localNote.textContent = `${formatBytes(totalBytes(m))}, downloaded once and kept in this browser’s cache.`;
        } else {
          localNote.textContent = `Runs on the server only: ${m.reason ?? `the browser does not run ${m.task ?? 'this kind of'} models.`}`;
        }
      } catch (e) {
        if (!abort.signal.aborted) localNote.textContent = `Runs on the server only (${(e as Error).message}).`;
      }
    }
    picker.addEventListener('change', () => void describe());
    root.append(element('h1', {}, 'Embeddings'), form, status, result);

    listModels(abort.signal).then(models => {
      const usable = models.filter(m => m.metadata?.capabilities?.includes('embeddings'));
      picker.replaceChildren(...usable.map(m => element('option', { value: m.id }, m.id)));
      void describe();
      if (!usable.length) {
        status.textContent = 'No model here makes embeddings: pull one (e.g. a GGUF or ONNX sentence embedder) on the Models page.';
        run.disabled = true;
      }
    }).catch(e => { if (!abort.signal.aborted) status.textContent = `Listing the models failed: ${e instanceof Error ? e.message : e}`; });

    form.addEventListener('submit', async event => {
      event.preventDefault();
      const input = texts.value.split('\n').map(t => t.trim()).filter(Boolean);
      if (input.length < 2) {
        status.textContent = 'Give at least two texts, one per line.';
        return;
      }
      run.disabled = true;
      status.textContent = `Embedding ${input.length} texts…`;
      const model = picker.value;
      const inBrowser = local.checked && !local.disabled && files !== undefined;
      try {
        let vectors: ArrayLike<number>[];
        let tokens: number | undefined;
        let started = performance.now();
        if (inBrowser) {
          status.textContent = `Embedding ${input.length} texts in this browser…`;
          progress.hidden = false;
          // The runtime (and ONNX Runtime Web) is loaded only when the box is ticked.
          const { loadEmbedder } = await import('../runtime/embedder');
          const embedder = await loadEmbedder(files!, (done, total) => { progress.value = total ? done / total : 1; });
          progress.hidden = true;
          started = performance.now();
          vectors = [];
          for (const t of input) vectors.push(await embedder.embed(t));
        } else {
          const answer = await postJson<{ data: { index: number; embedding: number[] }[]; usage?: { prompt_tokens?: number } }>(
            '/v1/embeddings', { model, input }, abort.signal);
          vectors = answer.data.sort((a, b) => a.index - b.index).map(d => d.embedding);
          tokens = answer.usage?.prompt_tokens;
        }
        if (abort.signal.aborted) return;
        const matrix = vectors.map(a => vectors.map(b => cosine(a, b)));
        result.replaceChildren(heatMap(input, matrix));
        result.dataset.side = inBrowser ? 'browser' : 'server';
        status.textContent = `${vectors.length} vectors of ${vectors[0]?.length ?? 0} dimensions from ${model}` +
          `${tokens ? `, ${tokens} tokens` : ''}, computed ${inBrowser ? 'in this browser' : 'by the server'} in ${Math.round(performance.now() - started)} ms.`;
      } catch (e) {
        progress.hidden = true;
        if (abort.signal.aborted) return;
        status.textContent = e instanceof ApiError && e.status === 403 ? `This key may not make embeddings: ${e.message}` : `Embedding failed: ${e instanceof Error ? e.message : e}`;
      } finally {
        run.disabled = false;
      }
    });

    return () => abort.abort();
  },
};
