// Image classification as the server does it (Pipelines/ImageClassificationPipeline.cs over
// libraries/MicroAI.Imaging): RGB composited onto white, resized with the same separable filter and
// 8-bit intermediate rows, laid out NCHW or NHWC, normalised through the same float32 table, float16
// rounded to nearest even; a softmax unless the graph already ends in one.
import type { LabelScore } from './classifier';
import type { OrtModule, Session } from './ort';
import { floats, floatToHalf, inputInfo } from './ort';
import { isDistribution, ranked, softmax } from './scores';

export interface Rgb { width: number; height: number; pixels: Uint8Array }

const f = Math.fround;

/**
 * Decodes with the browser's own decoder, colour management off (the server applies none: PNG gAMA,
 * sRGB and ICC chunks are ignored there too). Alpha is composited onto white with the server's rounding;
 * for half-transparent pixels the canvas's premultiplied storage can differ from it by one level.
 */
export async function decode(bytes: Uint8Array): Promise<Rgb> {
  const bitmap = await createImageBitmap(new Blob([bytes]), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
    const a = rgba[i + 3];
    for (let c = 0; c < 3; c++) pixels[o + c] = a === 255 ? rgba[i + c] : Math.floor((rgba[i + c] * a + 255 * (255 - a) + 127) / 255);
  }
  return { width, height, pixels };
}

interface Weights { start: Int32Array; count: Int32Array; weights: Float32Array; taps: number }

/** ResampleWeights.Compute for the bilinear (triangle) filter, widened over the footprint when downscaling. */
function weights(inSize: number, outSize: number): Weights {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize), count = new Int32Array(outSize), w = new Float32Array(outSize * taps);
  const raw = new Float64Array(taps);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const first = Math.max(0, Math.floor(center - support + 0.5));
    const last = Math.min(inSize, Math.floor(center + support + 0.5));
    const n = Math.min(last - first, taps);
    let total = 0;
    for (let j = 0; j < n; j++) {
      const x = Math.abs((first + j + 0.5 - center) / filterScale);
      raw[j] = x < 1 ? 1 - x : 0;
      total += raw[j];
    }
    for (let j = 0; j < n; j++) w[i * taps + j] = total === 0 ? 0 : raw[j] / total;
    start[i] = first;
    count[i] = n;
  }
  return { start, count, weights: w, taps };
}

/** Rounds a float32 sum to a byte as ImageResizer.ToByte does. */
const toByte = (v: number) => (v <= 0 ? 0 : v >= 254.5 ? 255 : Math.trunc(f(v + 0.5)));

/** ImageResizer.Resize (bilinear): rows first, rounded to 8 bits, then columns; float32 arithmetic throughout. */
export function resize(img: Rgb, width: number, height: number): Rgb {
  if (width === img.width && height === img.height) return img;
  const h = weights(img.width, width), v = weights(img.height, height);
  const rowLength = width * 3;
  const temp = new Uint8Array(img.height * rowLength);
  for (let y = 0; y < img.height; y++) {
    const src = y * img.width * 3, dst = y * rowLength;
    for (let x = 0; x < width; x++) {
      const first = src + h.start[x] * 3;
      let r = 0, g = 0, b = 0;
      for (let j = 0; j < h.count[x]; j++) {
        const wj = h.weights[x * h.taps + j], s = first + j * 3;
        r = f(r + f(img.pixels[s] * wj));
        g = f(g + f(img.pixels[s + 1] * wj));
        b = f(b + f(img.pixels[s + 2] * wj));
      }
      temp[dst + x * 3] = toByte(r);
      temp[dst + x * 3 + 1] = toByte(g);
      temp[dst + x * 3 + 2] = toByte(b);
    }
  }
  const out = new Uint8Array(height * rowLength);
  const sum = new Float32Array(rowLength);
  for (let y = 0; y < height; y++) {
    sum.fill(0);
    for (let j = 0; j < v.count[y]; j++) {
      const wj = v.weights[y * v.taps + j], row = (v.start[y] + j) * rowLength;
      for (let x = 0; x < rowLength; x++) sum[x] = f(sum[x] + f(temp[row + x] * wj));
    }
    for (let x = 0; x < rowLength; x++) out[y * rowLength + x] = toByte(sum[x]);
  }
  return { width, height, pixels: out };
}

/** The centred region, offsets rounded half to even (torchvision's, and the server's). */
function centerCrop(img: Rgb, width: number, height: number): Rgb {
  const even = (x: number) => { const r = Math.round(x); return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; };
  const left = even((img.width - width) / 2), top = even((img.height - height) / 2);
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) out.set(img.pixels.subarray(((top + y) * img.width + left) * 3, ((top + y) * img.width + left + width) * 3), y * width * 3);
  return { width, height, pixels: out };
}

/** torchvision's Resize(shortest side) then CenterCrop, as ImageResizer.ResizeAndCenterCrop(image, side, w, h). */
function resizeAndCrop(img: Rgb, side: number, width: number, height: number): Rgb {
  const [w, h] = img.width <= img.height
    ? [side, Math.max(side, Math.trunc((side * img.height) / img.width))]
    : [Math.max(side, Math.trunc((side * img.width) / img.height)), side];
  return centerCrop(resize(img, w, h), width, height);
}

interface Normalization { scale: number; mean: number[]; std: number[]; shortest?: number }

/** preprocessor_config.json as the server reads it; without one, raw 0–255 samples (the ONNX model zoo's). */
function normalization(files: Map<string, Uint8Array>, channels: number): Normalization {
  const bytes = files.get('preprocessor_config.json');
  if (!bytes) return { scale: 1, mean: [0], std: [1] };
  const p = JSON.parse(new TextDecoder().decode(bytes));
  const flag = (name: string, fallback: boolean) => (name in p ? p[name] === true : fallback);
  const rescale = flag('do_rescale', true);
  const scale = rescale && typeof p.rescale_factor === 'number' ? p.rescale_factor : rescale ? f(1 / 255) : 1;
  const list = (name: string, fallback: number): number[] => (Array.isArray(p[name]) ? p[name] : Array(channels).fill(fallback));
  const normalize = flag('do_normalize', true);
  const shortest = typeof p.size?.shortest_edge === 'number' && flag('do_center_crop', false) ? p.size.shortest_edge : undefined;
  return { scale: f(scale), mean: normalize ? list('image_mean', 0).map(f) : [0], std: normalize ? list('image_std', 1).map(f) : [1], shortest };
}

export class ImageClassifier {
  private readonly input: { name: string; type: string; shape: number[] };
  private readonly nhwc: boolean;
  private readonly channels: number;
  private readonly height: number;
  private readonly width: number;
  private readonly norm: Normalization;

  constructor(private readonly ort: OrtModule, private readonly session: Session, files: Map<string, Uint8Array>, layout: string | undefined, private readonly labels: string[]) {
    this.input = inputInfo(session);
    const s = this.input.shape;
    if (s.length !== 4) throw new Error(`input '${this.input.name}' is not a 4-D image tensor.`);
    this.nhwc = layout === 'NHWC' || (layout === undefined && (s[3] === 1 || s[3] === 3) && s[1] !== 1 && s[1] !== 3);
    [this.channels, this.height, this.width] = this.nhwc ? [s[3], s[1], s[2]] : [s[1], s[2], s[3]];
    this.norm = normalization(files, this.channels);
  }

  async classify(bytes: Uint8Array): Promise<LabelScore[]> {
    let img = await decode(bytes);
    if (img.width !== this.width || img.height !== this.height) {
      img = this.norm.shortest ? resizeAndCrop(img, this.norm.shortest, this.width, this.height) : resize(img, this.width, this.height);
    }
    const values = this.tensor(img);
    const half = this.input.type === 'float16';
    const data = half ? Uint16Array.from(values, floatToHalf) : values;
    const dims = this.nhwc ? [1, this.height, this.width, this.channels] : [1, this.channels, this.height, this.width];
    const output = await this.session.run({ [this.input.name]: new this.ort.Tensor(half ? 'float16' : 'float32', data, dims) });
    const row = floats(output[this.session.outputNames[0]]);
    const scores = isDistribution(row) ? row : softmax(row);
    return ranked(scores, this.labels.length === scores.length ? this.labels : [], i => String(i));
  }

  /** ImageTensor.Write: a 256-entry float32 table per channel for colour, BT.601 luma for grey. */
  private tensor(img: Rgb): Float32Array {
    const { scale, mean, std } = this.norm;
    const plane = img.width * img.height, p = img.pixels;
    const out = new Float32Array(plane * this.channels);
    const m = (c: number) => (mean.length === 1 ? mean[0] : mean[c]);
    const d = (c: number) => (std.length === 1 ? std[0] : std[c]);
    if (this.channels === 1) {
      for (let i = 0; i < plane; i++) {
        const luma = f(f(f(f(0.299) * p[i * 3]) + f(f(0.587) * p[i * 3 + 1])) + f(f(0.114) * p[i * 3 + 2]));
        out[i] = f(f(f(luma * scale) - m(0)) / d(0));
      }
      return out;
    }
    const table = new Float32Array(768);
    for (let c = 0; c < 3; c++) for (let v = 0; v < 256; v++) table[c * 256 + v] = f(f(f(v * scale) - m(c)) / d(c));
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) out[this.nhwc ? i * 3 + c : c * plane + i] = table[c * 256 + p[i * 3 + c]];
    }
    return out;
  }
}
