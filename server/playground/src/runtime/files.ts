// A registry model's files for the browser: listed by GET /api/model-files/{model}, fetched by digest
// from GET /api/blobs/{digest}, checked against that digest, and kept in Cache Storage under it, so a
// model is downloaded once per browser (and again only when it changes, since a new file is a new digest).
import { getJson, request } from '../lib/api';

export interface ModelFile { name: string; role: string; size: number; digest: string }

export interface ModelFiles {
  model: string;
  format: string;
  task?: string;
  labels?: string[];
  multi_label?: boolean;
  image_layout?: string;
  size: number;
  browser: boolean;
  browser_max_bytes: number;
  reason?: string;
  files: ModelFile[];
}

const CACHE = 'microai-models-v1';

export function listFiles(model: string, signal?: AbortSignal): Promise<ModelFiles> {
  return getJson<ModelFiles>(`/api/model-files/${model.split('/').map(encodeURIComponent).join('/')}`, signal);
}

export function totalBytes(m: ModelFiles): number {
  return m.files.reduce((sum, f) => sum + f.size, 0);
}

/** Cache Storage exists only in secure contexts (https, or localhost): elsewhere files are fetched each time. */
async function openCache(): Promise<Cache | null> {
  try {
    return 'caches' in globalThis ? await caches.open(CACHE) : null;
  } catch {
    return null; // storage disabled (private windows of some browsers)
  }
}

async function sha256(bytes: ArrayBuffer): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return 'sha256:' + Array.from(hash, b => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Every file of the model by its name in the model's folder ("model.onnx", "config.min.json"),
 * from the cache when there, else from the server. `onProgress` gets bytes done of the total.
 */
export async function fetchFiles(m: ModelFiles, onProgress?: (done: number, total: number) => void): Promise<Map<string, Uint8Array>> {
  const cache = await openCache();
  const total = totalBytes(m);
  let done = 0;
  const out = new Map<string, Uint8Array>();
  for (const f of m.files) {
    const url = `/api/blobs/${f.digest}`;
    let bytes: ArrayBuffer | undefined;
    const cached = await cache?.match(url);
    if (cached) {
      bytes = await cached.arrayBuffer();
      // A damaged cache entry is dropped and fetched again, never run.
      if ((await sha256(bytes)) !== f.digest) { await cache!.delete(url); bytes = undefined; }
    }
    if (!bytes) {
      bytes = await (await request(url)).arrayBuffer();
      if ((await sha256(bytes)) !== f.digest) throw new Error(`${f.name}: the bytes received do not match its digest ${f.digest}.`);
      await cache?.put(url, new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream' } }));
    }
    out.set(f.name, new Uint8Array(bytes));
    done += f.size;
    onProgress?.(done, total);
  }
  return out;
}
