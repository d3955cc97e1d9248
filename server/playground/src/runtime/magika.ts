// Google Magika's content-type detection, as the server does it (backends/MicroAI.Engines.Onnx/Pipelines/
// Magika): the same byte features, the same thresholds and labels from config.min.json, the same verdict.
import type { LabelScore } from './classifier';
import type { OrtModule, Session } from './ort';
import { floats, inputInfo } from './ort';
import { ranked } from './scores';

interface MagikaConfig {
  beg_size: number; mid_size: number; end_size: number; block_size: number; padding_token: number;
  min_file_size_for_dl: number; medium_confidence_threshold?: number; target_labels_space: string[];
  thresholds?: Record<string, number>; overwrite_map?: Record<string, string>;
}

/** What Python's bytes.strip() removes: space, \t, \n, \r, \v, \f. */
const isSpace = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);

/**
 * The features: the first beg_size bytes of the first block once leading whitespace is stripped
 * (padded after), then the last end_size bytes of the last block once trailing whitespace is stripped
 * (padded before). Null when too little content is left for the model.
 */
export function magikaFeatures(content: Uint8Array, c: MagikaConfig): Int32Array | null {
  const f = new Int32Array(c.beg_size + c.end_size).fill(c.padding_token);
  if (content.length < c.min_file_size_for_dl) return null;
  const first = content.subarray(0, Math.min(c.block_size, content.length));
  let s = 0;
  while (s < first.length && isSpace(first[s])) s++;
  const beg = first.subarray(s, s + Math.min(c.beg_size, first.length - s));
  f.set(beg, 0);
  const last = content.subarray(Math.max(0, content.length - c.block_size));
  let n = last.length;
  while (n > 0 && isSpace(last[n - 1])) n--;
  const end = last.subarray(Math.max(0, n - c.end_size), n);
  f.set(end, c.beg_size + c.end_size - end.length);
  return f[c.min_file_size_for_dl - 1] === c.padding_token ? null : f;
}

export class MagikaClassifier {
  private readonly config: MagikaConfig;
  private readonly text: Set<string>;

  constructor(private readonly ort: OrtModule, private readonly session: Session, files: Map<string, Uint8Array>) {
    const json = (name: string) => JSON.parse(new TextDecoder().decode(files.get(name)!));
    this.config = json('config.min.json');
    if (this.config.mid_size !== 0) throw new Error(`config.min.json: mid_size ${this.config.mid_size} is not supported.`);
    this.text = new Set(['txt']);
    if (files.has('content_types_kb.min.json')) {
      for (const [label, info] of Object.entries(json('content_types_kb.min.json') as Record<string, { is_text?: boolean }>)) {
        if (info?.is_text === true) this.text.add(label);
      }
    }
  }

  async classify(content: Uint8Array): Promise<LabelScore[]> {
    const c = this.config;
    const features = magikaFeatures(content, c);
    if (!features) {
      let text = true;
      try { new TextDecoder('utf-8', { fatal: true }).decode(content); } catch { text = false; }
      return [{ label: text ? 'txt' : 'unknown', score: 1 }];
    }
    const input = inputInfo(this.session);
    const tensor = new this.ort.Tensor('int32', features, [1, features.length]);
    const output = await this.session.run({ [input.name]: tensor });
    const scores = floats(output[this.session.outputNames[0]]);
    const list = ranked(scores, c.target_labels_space);
    // Magika's "high-confidence" verdict: the best label when it reaches its threshold, else generic.
    const best = list[0];
    // Compared as float32, as the server reads the thresholds.
    const threshold = Math.fround(c.thresholds?.[best.label] ?? c.medium_confidence_threshold ?? 0.5);
    list[0] = {
      label: best.score >= threshold ? c.overwrite_map?.[best.label] ?? best.label : this.text.has(best.label) ? 'txt' : 'unknown',
      score: best.score,
    };
    return list;
  }
}
