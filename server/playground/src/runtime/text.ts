// Text classification with a WordPiece (BERT) tokenizer.json, as the server's MicroAI.Tokenizers does it:
// added tokens split out first; BertNormalizer (clean text, pad CJK, strip accents, lowercase);
// BertPreTokenizer (whitespace, punctuation alone); greedy longest-match WordPiece; the template's
// [CLS] … [SEP]; truncated to the model's length. Then softmax (or sigmoid for multi-label), as on the server.
import type { LabelScore } from './classifier';
import type { OrtModule, Session } from './ort';
import { floats } from './ort';
import { ranked, sigmoid, softmax } from './scores';

// .NET's char.IsWhiteSpace (what the server's BertNormalizer uses); JavaScript's \s also has U+FEFF.
const WHITESPACE = /^[\t\n\v\f\r\x85\p{Zs}\u2028\u2029]$/u;
const CONTROL = /^[\p{Cc}\p{Cf}\p{Cn}\p{Co}\p{Cs}]$/u;
const PUNCTUATION = /^\p{P}$/u;
const MARK = /\p{Mn}/gu;

const isChinese = (cp: number) =>
  (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df) ||
  (cp >= 0x2a700 && cp <= 0x2ceaf) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f);
const isPunct = (ch: string, cp: number) =>
  cp < 128 ? (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126) : PUNCTUATION.test(ch);

interface TokenizerJson {
  added_tokens?: { id: number; content: string }[];
  normalizer?: { type: string; clean_text?: boolean; handle_chinese_chars?: boolean; strip_accents?: boolean | null; lowercase?: boolean } | null;
  pre_tokenizer?: { type: string } | null;
  post_processor?: { type: string; single?: ({ SpecialToken: { id: string } } | { Sequence: { id: string } })[]; special_tokens?: Record<string, { ids: number[] }> } | null;
  model: { type: string; unk_token: string; continuing_subword_prefix?: string; max_input_chars_per_word?: number; vocab: Record<string, number> };
}

export class WordPieceTokenizer {
  private readonly vocab: Map<string, number>;
  private readonly longest: number;
  private readonly unk: number;
  private readonly prefix: string;
  private readonly maxChars: number;
  private readonly added: { content: string; id: number }[];
  private readonly before: number[] = [];
  private readonly after: number[] = [];

  constructor(private readonly json: TokenizerJson) {
    const m = json.model;
    if (m.type !== 'WordPiece') throw new Error(`tokenizer.json has a ${m.type} model; the browser runs WordPiece (BERT) tokenizers.`);
    if (json.normalizer && json.normalizer.type !== 'BertNormalizer') throw new Error(`tokenizer.json: the ${json.normalizer.type} normalizer is not supported in the browser.`);
    if (json.pre_tokenizer && json.pre_tokenizer.type !== 'BertPreTokenizer') throw new Error(`tokenizer.json: the ${json.pre_tokenizer.type} pre-tokenizer is not supported in the browser.`);
    this.vocab = new Map(Object.entries(m.vocab));
    this.longest = Math.max(...[...this.vocab.keys()].map(k => k.length));
    this.unk = this.vocab.get(m.unk_token) ?? 0;
    this.prefix = m.continuing_subword_prefix ?? '##';
    this.maxChars = m.max_input_chars_per_word ?? 100;
    this.added = (json.added_tokens ?? []).filter(t => t.content).sort((a, b) => b.content.length - a.content.length);
    const p = json.post_processor;
    if (p?.type === 'TemplateProcessing' && p.single) {
      let seen = false;
      for (const piece of p.single) {
        if ('Sequence' in piece) { seen = true; continue; }
        (seen ? this.after : this.before).push(...(p.special_tokens?.[piece.SpecialToken.id]?.ids ?? []));
      }
    } else if (p?.type === 'BertProcessing' || p === undefined || p === null) {
      // BertProcessing (older exports): [CLS] A [SEP]
      const cls = this.vocab.get('[CLS]'), sep = this.vocab.get('[SEP]');
      if (p && cls !== undefined && sep !== undefined) { this.before.push(cls); this.after.push(sep); }
    } else {
      throw new Error(`tokenizer.json: the ${p.type} post-processor is not supported in the browser.`);
    }
  }

  encode(text: string, maxLength: number): number[] {
    const ids: number[] = [];
    for (const [piece, id] of this.splitAdded(text)) {
      if (id !== undefined) { ids.push(id); continue; }
      for (const word of this.preTokenize(this.normalize(piece))) this.wordPiece(word, ids);
    }
    const room = maxLength > 0 ? Math.max(0, maxLength - this.before.length - this.after.length) : ids.length;
    return [...this.before, ...ids.slice(0, room), ...this.after];
  }

  private *splitAdded(text: string): Generator<[string, number | undefined]> {
    let start = 0;
    for (let i = 0; i < text.length;) {
      const t = this.added.find(a => text.startsWith(a.content, i));
      if (!t) { i++; continue; }
      if (i > start) yield [text.slice(start, i), undefined];
      yield [t.content, t.id];
      i += t.content.length;
      start = i;
    }
    if (start < text.length) yield [text.slice(start), undefined];
  }

  private normalize(text: string): string {
    const n = this.json.normalizer;
    if (!n) return text;
    let out = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (cp >= 0x20 && cp < 0x7f) out += ch;
      else if (n.clean_text && (cp === 0 || cp === 0xfffd || (cp !== 9 && cp !== 10 && cp !== 13 && CONTROL.test(ch)))) continue;
      else if (n.clean_text && WHITESPACE.test(ch)) out += ' ';
      else if (n.handle_chinese_chars && isChinese(cp)) out += ` ${ch} `;
      else out += ch;
    }
    const lowercase = n.lowercase ?? true;
    if (n.strip_accents ?? lowercase) out = out.normalize('NFD').replace(MARK, '');
    return lowercase ? out.toLowerCase() : out;
  }

  private preTokenize(text: string): string[] {
    const words: string[] = [];
    let word = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (WHITESPACE.test(ch) || isPunct(ch, cp)) {
        if (word) words.push(word);
        word = '';
        if (!WHITESPACE.test(ch)) words.push(ch);
      } else {
        word += ch;
      }
    }
    if (word) words.push(word);
    return words;
  }

  private wordPiece(word: string, ids: number[]): void {
    if ([...word].length > this.maxChars) { ids.push(this.unk); return; }
    const pieces: number[] = [];
    for (let start = 0; start < word.length;) {
      const prefix = start === 0 ? '' : this.prefix;
      let end = Math.min(word.length, start + Math.max(1, this.longest - prefix.length));
      let found = -1;
      for (; end > start; end--) {
        if (end < word.length && /[\udc00-\udfff]/.test(word[end]) && /[\ud800-\udbff]/.test(word[end - 1])) continue;
        const id = this.vocab.get(prefix + word.slice(start, end));
        if (id !== undefined) { found = id; break; }
      }
      if (found < 0) { ids.push(this.unk); return; }
      pieces.push(found);
      start = end;
    }
    ids.push(...pieces);
  }
}

/** The longest input, as the server's ModelFolderConfig.MaxLength decides it. */
export function maxLength(files: Map<string, Uint8Array>): number {
  const json = (name: string) => { const b = files.get(name); try { return b ? JSON.parse(new TextDecoder().decode(b)) : undefined; } catch { return undefined; } };
  const positive = (v: unknown) => (typeof v === 'number' && v > 0 && v <= 1e8 ? Math.trunc(v) : undefined);
  return positive(json('sentence_bert_config.json')?.max_seq_length) ?? positive(json('tokenizer_config.json')?.model_max_length)
    ?? positive(json('config.json')?.max_position_embeddings) ?? 512;
}

/** One tokenized text as the session's inputs (ids, an all-ones mask, zero type ids), in the element type each input declares. */
export function textFeeds(ort: OrtModule, session: Session, ids: number[]): Record<string, unknown> {
  const feeds: Record<string, unknown> = {};
  for (const meta of session.inputMetadata as { name: string; type?: string }[]) {
    const values = meta.name === 'input_ids' ? ids : meta.name === 'attention_mask' ? ids.map(() => 1) : meta.name === 'token_type_ids' ? ids.map(() => 0) : null;
    if (!values) throw new Error(`The model's input '${meta.name}' is not one a text pipeline fills.`);
    feeds[meta.name] = meta.type === 'int32'
      ? new ort.Tensor('int32', Int32Array.from(values), [1, ids.length])
      : new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, ids.length]);
  }
  return feeds;
}

export class TextClassifier {
  private readonly tokenizer: WordPieceTokenizer;
  private readonly maxLength: number;
  private readonly output: string;

  constructor(private readonly ort: OrtModule, private readonly session: Session, files: Map<string, Uint8Array>, modelName: string,
    private readonly labels: string[], private readonly multiLabel: boolean) {
    // tokenizer.json beside the model, or in the folder above it ("onnx/model.onnx"), as the server looks.
    const folder = modelName.includes('/') ? modelName.slice(0, modelName.lastIndexOf('/') + 1) : '';
    const bytes = files.get(folder + 'tokenizer.json') ?? files.get('tokenizer.json');
    if (!bytes) throw new Error('The model has no tokenizer.json; the browser reads only that tokenizer format.');
    this.tokenizer = new WordPieceTokenizer(JSON.parse(new TextDecoder().decode(bytes)));
    this.maxLength = maxLength(files);
    this.output = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0];
  }

  async classify(text: string): Promise<LabelScore[]> {
    const ids = this.tokenizer.encode(text, this.maxLength);
    const feeds = textFeeds(this.ort, this.session, ids);
    const result = await this.session.run(feeds as never, [this.output]);
    const logits = floats(result[this.output]);
    const scores = this.multiLabel ? sigmoid(logits) : softmax(logits);
    return ranked(scores, this.labels.length === scores.length ? this.labels : []);
  }
}
