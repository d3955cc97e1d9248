// ONNX Runtime Web, loaded from this server's /playground/runtime/ on first use (never bundled into the
// page's code: ~14 MB of WebAssembly a visitor who never ticks "run in this browser" must not pay for).
//
// Only the WebAssembly backend is shipped. WebGPU would need ORT's JSEP build beside it: a 28.3 MB wasm
// (+ its loader) embedded in the server, twice the runtime, for models that run here in milliseconds on
// the CPU (Magika: one 2048-token row; SqueezeNet: ~1 GFLOP); headless Chromium has no WebGPU adapter either.
import type * as Ort from 'onnxruntime-web';

export type OrtModule = typeof Ort;
export type Session = Ort.InferenceSession;
export type Tensor = Ort.Tensor;

const RUNTIME = '/playground/runtime/';
let loading: Promise<OrtModule> | undefined;

export function loadOrt(): Promise<OrtModule> {
  loading ??= (async () => {
    const ort = (await import('/playground/runtime/ort.wasm.min.mjs')) as OrtModule;
    ort.env.wasm.wasmPaths = RUNTIME;
    // Threads need SharedArrayBuffer, which browsers give only to cross-origin-isolated pages.
    ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
    ort.env.wasm.proxy = false;
    ort.env.logLevel = 'error';
    return ort;
  })();
  loading.catch(() => { loading = undefined; });
  return loading;
}

export async function createSession(model: Uint8Array): Promise<{ ort: OrtModule; session: Session }> {
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  return { ort, session };
}

/** A session input's element type and shape (symbolic dimensions as -1). */
export function inputInfo(session: Session, index = 0): { name: string; type: string; shape: number[] } {
  const meta = session.inputMetadata[index] as { name: string; isTensor: boolean; type?: string; shape?: readonly (number | string)[] };
  return { name: meta.name, type: meta.type ?? 'float32', shape: (meta.shape ?? []).map(d => (typeof d === 'number' ? d : -1)) };
}

/** A float16 or float32 output as float32 numbers (float16 bits widened exactly). */
export function floats(t: Tensor): Float32Array {
  const data = t.data as ArrayLike<number>;
  if (t.type !== 'float16') return data instanceof Float32Array ? data : Float32Array.from(data);
  if (!(data instanceof Uint16Array)) return Float32Array.from(data); // a Float16Array where the browser has one
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = halfToFloat(data[i]);
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → float16 bits, rounding to nearest even, as .NET's (Half)float conversion does. */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && (r & 1))) r++;
    return sign | r;
  }
  let r = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (r & 1))) {
    r++;
    if (r === 0x400) { r = 0; e++; if (e >= 31) return sign | 0x7c00; }
  }
  return sign | (e << 10) | r;
}
