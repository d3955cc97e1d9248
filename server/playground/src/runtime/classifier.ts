// "Run in this browser": a registry model's files from the server (once; then Cache Storage), run by
// ONNX Runtime Web with the server's own preprocessing, so the answer matches the server's while the
// content never leaves the page. Sessions are kept for the tab's life, keyed by the model's digests.
import { fetchFiles, type ModelFiles } from './files';
import { createSession } from './ort';

export interface LabelScore { label: string; score: number }

/** Content bytes (files, images) or text, by the model's task. */
export interface BrowserClassifier { classify(input: Uint8Array | string): Promise<LabelScore[]> }

/** The tasks this runtime has the server's preprocessing for. */
export const browserTasks = ['byte-classification', 'image-classification', 'text-classification'];

const loaded = new Map<string, Promise<BrowserClassifier>>();

export function loadClassifier(m: ModelFiles, onProgress?: (done: number, total: number) => void): Promise<BrowserClassifier> {
  const key = m.files.map(f => f.digest).join(',');
  let c = loaded.get(key);
  if (!c) {
    c = build(m, onProgress);
    loaded.set(key, c);
    c.catch(() => loaded.delete(key));
  }
  return c;
}

async function build(m: ModelFiles, onProgress?: (done: number, total: number) => void): Promise<BrowserClassifier> {
  if (!m.browser) throw new Error(`'${m.model}' cannot run in the browser: ${m.reason ?? 'the server does not offer it'}`);
  const files = await fetchFiles(m, onProgress);
  const main = m.files.find(f => f.role === 'model') ?? m.files.find(f => f.name.endsWith('.onnx'));
  if (!main) throw new Error(`'${m.model}' lists no model file.`);
  const { ort, session } = await createSession(files.get(main.name)!);
  switch (m.task) {
    case 'byte-classification': {
      const { MagikaClassifier } = await import('./magika');
      const c = new MagikaClassifier(ort, session, files);
      return { classify: input => c.classify(typeof input === 'string' ? new TextEncoder().encode(input) : input) };
    }
    case 'image-classification': {
      const { ImageClassifier } = await import('./image');
      const c = new ImageClassifier(ort, session, files, m.image_layout, m.labels ?? []);
      return { classify: input => c.classify(typeof input === 'string' ? new TextEncoder().encode(input) : input) };
    }
    case 'text-classification': {
      const { TextClassifier } = await import('./text');
      const c = new TextClassifier(ort, session, files, main.name, m.labels ?? [], m.multi_label === true);
      return { classify: input => c.classify(typeof input === 'string' ? input : new TextDecoder().decode(input)) };
    }
    default:
      throw new Error(`'${m.model}' is a ${m.task ?? 'model'} model; the browser runs byte, image and text classifiers.`);
  }
}
