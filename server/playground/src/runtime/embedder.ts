// Sentence embeddings in the browser, as the server's SentenceEmbeddingPipeline computes them: the
// WordPiece tokenizer (text.ts), one text per run (no padding, so every position is unmasked), the
// output the server picks (sentence_embedding, else last_hidden_state, else the first), pooled as the
// sentence-transformers Pooling module says (mean, cls, max or last token; mean by default), then
// L2-normalised when modules.json ends in a Normalize module. A graph whose output is already
// [batch, dim] is used as is.
import { fetchFiles, type ModelFiles } from './files';
import { createSession, floats, type OrtModule, type Session } from './ort';
import { WordPieceTokenizer, maxLength, textFeeds } from './text';

type Pooling = 'mean' | 'cls' | 'max' | 'last';

function readJson(files: Map<string, Uint8Array>, name: string): unknown {
  const b = files.get(name);
  if (!b) return undefined;
  try { return JSON.parse(new TextDecoder().decode(b)); } catch { return undefined; }
}

/** A sentence-transformers module's path in modules.json, as ModelFolderConfig.FindModule finds it. */
function findModule(files: Map<string, Uint8Array>, type: string): string | undefined {
  const modules = readJson(files, 'modules.json');
  if (!Array.isArray(modules)) return undefined;
  const m = modules.find(x => x && typeof x === 'object' && (x as { type?: unknown }).type === type) as { path?: unknown } | undefined;
  return m ? (typeof m.path === 'string' ? m.path : '') : undefined;
}

/** ModelFolderConfig.Pooling: 1_Pooling/config.json (or the Pooling module's folder); mean when absent. */
function pooling(files: Map<string, Uint8Array>): Pooling {
  const dir = findModule(files, 'sentence_transformers.models.Pooling') ?? '1_Pooling';
  const config = readJson(files, dir ? `${dir.replace(/\/+$/, '')}/config.json` : 'config.json') as Record<string, unknown> | undefined;
  if (!config || typeof config !== 'object') return 'mean';
  if (config.pooling_mode_cls_token === true) return 'cls';
  if (config.pooling_mode_lasttoken === true) return 'last';
  if (config.pooling_mode_max_tokens === true) return 'max';
  return 'mean';
}

export class TextEmbedder {
  private readonly tokenizer: WordPieceTokenizer;
  private readonly maxLength: number;
  private readonly output: string;
  readonly pooling: Pooling;
  readonly normalized: boolean;

  constructor(private readonly ort: OrtModule, private readonly session: Session, files: Map<string, Uint8Array>, modelName: string) {
    const folder = modelName.includes('/') ? modelName.slice(0, modelName.lastIndexOf('/') + 1) : '';
    const bytes = files.get(folder + 'tokenizer.json') ?? files.get('tokenizer.json');
    if (!bytes) throw new Error('The model has no tokenizer.json; the browser reads only that tokenizer format.');
    this.tokenizer = new WordPieceTokenizer(JSON.parse(new TextDecoder().decode(bytes)));
    this.maxLength = maxLength(files);
    const names = session.outputNames;
    this.output = names.find(n => n === 'sentence_embedding') ?? names.find(n => n === 'last_hidden_state') ?? names[0];
    this.pooling = pooling(files);
    this.normalized = findModule(files, 'sentence_transformers.models.Normalize') !== undefined;
  }

  /** The embedding of one text (truncated to the model's length, as the server does with "truncate"). */
  async embed(text: string): Promise<Float32Array> {
    const ids = this.tokenizer.encode(text, this.maxLength);
    const feeds = textFeeds(this.ort, this.session, ids);
    const result = await this.session.run(feeds as never, [this.output]);
    const out = result[this.output];
    const values = floats(out);
    const v = out.dims.length === 2 ? Float32Array.from(values) : this.pool(values, ids.length, Number(out.dims[out.dims.length - 1]));
    if (this.normalized) {
      let norm = 0;
      for (const x of v) norm += x * x;
      norm = Math.sqrt(norm);
      if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i] / norm;
    }
    return v;
  }

  /** One row of [1, seq, dim], every position unmasked. */
  private pool(hidden: Float32Array, seq: number, d: number): Float32Array {
    const result = new Float32Array(d);
    switch (this.pooling) {
      case 'cls': result.set(hidden.subarray(0, d)); return result;
      case 'last': result.set(hidden.subarray((seq - 1) * d, seq * d)); return result;
      case 'max':
        result.fill(-Infinity);
        for (let s = 0; s < seq; s++) for (let j = 0; j < d; j++) result[j] = Math.max(result[j], hidden[s * d + j]);
        return result;
      default: {
        const sum = new Float64Array(d);
        for (let s = 0; s < seq; s++) for (let j = 0; j < d; j++) sum[j] += hidden[s * d + j];
        for (let j = 0; j < d; j++) result[j] = sum[j] / Math.max(seq, 1);
        return result;
      }
    }
  }
}

const loaded = new Map<string, Promise<TextEmbedder>>();

/** The model's embedder, its files downloaded once (then Cache Storage) and its session kept for the tab's life. */
export function loadEmbedder(m: ModelFiles, onProgress?: (done: number, total: number) => void): Promise<TextEmbedder> {
  const key = m.files.map(f => f.digest).join(',');
  let e = loaded.get(key);
  if (!e) {
    e = (async () => {
      if (!m.browser) throw new Error(`'${m.model}' cannot run in the browser: ${m.reason ?? 'the server does not offer it'}`);
      if (m.task !== 'embeddings') throw new Error(`'${m.model}' is a ${m.task ?? 'model'} model, not a sentence embedder.`);
      const files = await fetchFiles(m, onProgress);
      const main = m.files.find(f => f.role === 'model') ?? m.files.find(f => f.name.endsWith('.onnx'));
      if (!main) throw new Error(`'${m.model}' lists no model file.`);
      const { ort, session } = await createSession(files.get(main.name)!);
      return new TextEmbedder(ort, session, files, main.name);
    })();
    loaded.set(key, e);
    e.catch(() => loaded.delete(key));
  }
  return e;
}
