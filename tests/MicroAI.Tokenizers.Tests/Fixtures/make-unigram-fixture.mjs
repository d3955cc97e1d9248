// Writes two small but realistic Unigram (SentencePiece) tokenizers in Hugging Face's tokenizer.json format,
// deterministically and with node only; the pieces and their log-probabilities come from TRAINING_TEXT here.
//   Fixtures/unigram-xlmr: XLM-RoBERTa / multilingual-e5 / bge-m3 style — <s> <pad> </s> <unk> … <mask> (lstrip),
//                          normalizer Sequence[Precompiled, Replace(" {2,}" → " ")], Metaspace (prepend always,
//                          split), TemplateProcessing "<s> $A </s>" / "<s> $A </s> </s> $B </s>", Metaspace decoder.
//   Fixtures/unigram-t5:   T5 style — <pad> </s> <unk>, Sequence[Precompiled, Strip(right), Replace(" {2,}" → "▁")],
//                          Sequence[WhitespaceSplit, Metaspace], TemplateProcessing "$A </s>" / "$A </s> $B </s>".
// Characters the training text lacks (emoji, some scripts) are not pieces, so they exercise <unk>.
//
// The Precompiled normalizer's precompiled_charsmap is built here in SentencePiece's real binary format: a
// little-endian uint32 byte size of a Darts-clone double-array trie, its uint32 units, then NUL-terminated UTF-8
// replacements; the trie maps each key's UTF-8 bytes to its replacement's byte offset. Its rules are what
// transformers.js applies for "Precompiled" (it ignores the map and approximates SentencePiece's nmt_nfkc rules:
// control characters removed, Unicode spaces to " ", NFKC except around U+FF5E), written out per code point for
// every code point they change, plus an entry for each multi-code-point grapheme of our test corpus that NFKC
// composes (e.g. "e" + U+0301 → "é"), as SentencePiece's compiled nmt_nfkc map has such entries.
//
//   node make-unigram-fixture.mjs            (run from this folder)
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { singles, pairs } from './corpus.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const TRAINING_TEXT = `
The quick brown fox jumps over the lazy dog. The dog sleeps in the sun, and the fox runs into the forest.
Sentence embeddings map text to vectors; cross-encoders score pairs; classifiers predict labels.
Hello world! Hello there, how are you today? I am fine, thank you. We're testing, they've tested, it's done.
A longer sentence that certainly has more than sixteen tokens, so truncation will cut it somewhere in the middle.
What is the capital of France? Paris is the capital and most populous city of France. How old are you? I am 6 years old.
Numbers: 1, 2, 3, 10, 42, 100, 2024, 3.14159 and 1,000,000 are common in text; so are dates like 2024-01-31.
def tokenize(text): return [vocab[t] for t in text.split()]  # Python code
for (int i = 0; i < n; i++) { total += values[i]; }  // C code
https://www.example.com/index.html?query=tokens&page=2 mail someone@example.org
Crème brûlée, café, naïve, résumé, Ångström, Straße, über, señor, façade, Öl, über alles, niño, mañana.
Le café est très bon. Der Bär läuft über die Straße. El niño come mañana. Ça va très bien.
中文分词 我爱北京天安门。日本語のテキスト こんにちは、世界！ 한국어 텍스트 국어
Ελληνικά κείμενο Привет мир, как дела? مرحبا بالعالم שלום עולם नमस्ते दुनिया Tiếng Việt có dấu
the the the and and of of to to in in is is that that it it for for on on with with as as was was
`;

// transformers.js's Precompiled normalizer (see @huggingface/tokenizers, src/core/normalizer/Precompiled.ts).
function jsPrecompiled(text) {
  text = text.replace(/[\u0001-\u0008\u000B\u000E-\u001F\u007F\u008F\u009F]/gm, '');
  text = text.replace(/[\u0009\u000A\u000C\u000D\u00A0\u1680\u2000-\u200F\u2028\u2029\u202F\u205F\u2581\u3000\uFEFF\uFFFD]/gm, ' ');
  return text.includes('\uFF5E') ? text.split('\uFF5E').map((t) => t.normalize('NFKC')).join('\uFF5E') : text.normalize('NFKC');
}

// ---- the character map ----------------------------------------------------------------------------------

function charsmapRules(corpus) {
  const rules = new Map();
  for (let cp = 1; cp <= 0x2ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    const m = jsPrecompiled(c);
    if (m !== c) rules.set(c, m);
  }
  const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
  for (const text of corpus) {
    for (const { segment } of segmenter.segment(text)) {
      const cps = [...segment];
      if (cps.length < 2) continue;
      const whole = jsPrecompiled(segment);
      if (whole !== cps.map((c) => rules.get(c) ?? c).join('')) rules.set(segment, whole);
    }
  }
  return rules;
}

// Darts-clone double array: unit = label (bits 0-7) | has_leaf (bit 8) | offset << 10; a leaf unit is
// value | 1 << 31. A node's children sit at (its position ^ offset) ^ label, its leaf at position ^ offset;
// offsets (bases) are unique so a label check identifies the parent.
function buildDoubleArray(entries) {
  const root = { children: new Map(), value: undefined };
  for (const [key, value] of entries) {
    let node = root;
    for (const b of key) {
      if (!node.children.has(b)) node.children.set(b, { children: new Map(), value: undefined });
      node = node.children.get(b);
    }
    node.value = value;
  }
  const units = [0];
  const used = new Set([0]);
  const bases = new Set();
  let lowestFree = 1;
  const queue = [[root, 0]];
  while (queue.length > 0) {
    const [node, pos] = queue.shift();
    const labels = [...node.children.keys()].sort((a, b) => a - b);
    const hasLeaf = node.value !== undefined;
    while (used.has(lowestFree)) lowestFree++;
    let base = Math.max(1, lowestFree ^ (labels[0] ?? 0));
    for (;; base++) {
      if (bases.has(base) || (hasLeaf && used.has(base))) continue;
      if (labels.every((l) => !used.has(base ^ l))) break;
    }
    const offset = pos ^ base;
    if (offset >= 1 << 21) throw new Error('double array too large for unshifted offsets');
    bases.add(base);
    units[pos] = ((units[pos] ?? 0) & 0xff) | (hasLeaf ? 1 << 8 : 0) | (offset << 10);
    if (hasLeaf) {
      units[base] = (node.value | 0x80000000) >>> 0;
      used.add(base);
    }
    for (const l of labels) {
      units[base ^ l] = l;
      used.add(base ^ l);
      queue.push([node.children.get(l), base ^ l]);
    }
  }
  const out = new Uint32Array(units.length);
  for (let i = 0; i < units.length; i++) out[i] = (units[i] ?? 0) >>> 0;
  return out;
}

function precompiledCharsmap(rules) {
  const encoder = new TextEncoder();
  const strings = [];
  const offsets = new Map();
  let size = 0;
  const entries = [];
  for (const [key, replacement] of [...rules.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!offsets.has(replacement)) {
      offsets.set(replacement, size);
      const bytes = encoder.encode(replacement);
      strings.push(bytes, new Uint8Array([0]));
      size += bytes.length + 1;
    }
    entries.push([encoder.encode(key), offsets.get(replacement)]);
  }
  const units = buildDoubleArray(entries);
  const blob = new Uint8Array(4 + units.length * 4 + size);
  const view = new DataView(blob.buffer);
  view.setUint32(0, units.length * 4, true);
  units.forEach((u, i) => view.setUint32(4 + i * 4, u, true));
  let at = 4 + units.length * 4;
  for (const s of strings) { blob.set(s, at); at += s.length; }
  return Buffer.from(blob).toString('base64');
}

// ---- the pieces ------------------------------------------------------------------------------------------

function learnPieces(text, maxMulti) {
  const words = jsPrecompiled(text).split(/\s+/).filter((w) => w).map((w) => '\u2581' + w);
  const counts = new Map();
  const singles = new Set(['\u2581']);
  for (const w of words) {
    const chars = [...w];
    for (const c of chars) singles.add(c);
    for (let i = 0; i < chars.length; i++) {
      for (let len = 2; len <= 8 && i + len <= chars.length; len++) {
        const s = chars.slice(i, i + len).join('');
        counts.set(s, (counts.get(s) ?? 0) + 1);
      }
    }
  }
  const total = words.reduce((n, w) => n + [...w].length, 0);
  // Frequent longer pieces score higher per character covered, as trained unigram models tend to.
  const multi = [...counts.entries()].filter(([, n]) => n >= 2)
    .map(([s, n]) => [s, Math.log((n * [...s].length) / total)])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxMulti);
  const charCounts = new Map();
  for (const w of words) for (const c of w) charCounts.set(c, (charCounts.get(c) ?? 0) + 1);
  const single = [...singles].map((c) => [c, Math.log((charCounts.get(c) ?? 1) / total) - 2]);
  // A tiny deterministic spread keeps every score distinct, so no segmentation depends on tie-breaking.
  return [...multi, ...single]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([s, score], i) => [s, Number((score - i * 1e-6).toFixed(6))]);
}

const corpus = [...singles, ...pairs.flat()];
const charsmap = precompiledCharsmap(charsmapRules([...corpus, TRAINING_TEXT]));
const pieces = learnPieces(TRAINING_TEXT, 1200);

function write(name, tokenizer, config) {
  const dir = join(here, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config, null, 2) + '\n');
}

const special = (id, content, extra = {}) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true, ...extra });
const precompiled = { type: 'Precompiled', precompiled_charsmap: charsmap };
const metaspace = { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true };

// XLM-RoBERTa: fairseq ids <s>=0 <pad>=1 </s>=2 <unk>=3, pieces, <mask> last.
const xlmrVocab = [['<s>', 0], ['<pad>', 0], ['</s>', 0], ['<unk>', 0], ...pieces, ['<mask>', 0]];
const mask = xlmrVocab.length - 1;
write('unigram-xlmr', {
  version: '1.0', truncation: null, padding: null,
  added_tokens: [special(0, '<s>'), special(1, '<pad>'), special(2, '</s>'), special(3, '<unk>'), special(mask, '<mask>', { lstrip: true })],
  normalizer: { type: 'Sequence', normalizers: [precompiled, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }] },
  pre_tokenizer: metaspace,
  post_processor: {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
    pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } },
      { SpecialToken: { id: '</s>', type_id: 0 } }, { Sequence: { id: 'B', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
    special_tokens: { '<s>': { id: '<s>', ids: [0], tokens: ['<s>'] }, '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] } },
  },
  decoder: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true },
  model: { type: 'Unigram', unk_id: 3, vocab: xlmrVocab, byte_fallback: false },
}, {
  model_max_length: 512, bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', sep_token: '</s>', cls_token: '<s>',
  pad_token: '<pad>', mask_token: { __type: 'AddedToken', content: '<mask>', lstrip: true, normalized: false, rstrip: false, single_word: false, special: true },
  clean_up_tokenization_spaces: true, tokenizer_class: 'XLMRobertaTokenizer',
});

// T5: <pad>=0 </s>=1 <unk>=2, then pieces.
const t5Vocab = [['<pad>', 0], ['</s>', 0], ['<unk>', 0], ...pieces];
write('unigram-t5', {
  version: '1.0', truncation: null, padding: null,
  added_tokens: [special(0, '<pad>'), special(1, '</s>'), special(2, '<unk>')],
  normalizer: { type: 'Sequence', normalizers: [precompiled, { type: 'Strip', strip_left: false, strip_right: true }, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: '\u2581' }] },
  pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, metaspace] },
  post_processor: {
    type: 'TemplateProcessing',
    single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
    pair: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }, { Sequence: { id: 'B', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
    special_tokens: { '</s>': { id: '</s>', ids: [1], tokens: ['</s>'] } },
  },
  decoder: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true },
  model: { type: 'Unigram', unk_id: 2, vocab: t5Vocab, byte_fallback: false },
}, {
  model_max_length: 512, eos_token: '</s>', unk_token: '<unk>', pad_token: '<pad>', extra_ids: 0,
  clean_up_tokenization_spaces: true, tokenizer_class: 'T5Tokenizer',
});

console.log(`pieces: ${pieces.length}, charsmap: ${charsmap.length} base64 chars`);
