// Writes two small but realistic BPE tokenizers, with merges learned here from TRAINING_TEXT (deterministic;
// needs only node):
//   Fixtures/bpe-tiny: RoBERTa style — byte-level (GPT-2 byte alphabet), RobertaProcessing, <s> <pad> </s> <unk>
//                      <mask>, merges as "a b" strings.
//   Fixtures/bpe-sp:   Llama/Mistral (SentencePiece-converted) style — Metaspace "▁", character BPE with
//                      byte_fallback <0xNN> tokens and fused <unk>, TemplateProcessing "<s> $A", merges as [a, b].
//   node make-bpe-fixture.mjs            (run from this folder)
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MERGES = 320;
const TRAINING_TEXT = `
The quick brown fox jumps over the lazy dog. The dog sleeps in the sun, and the fox runs into the forest.
Tokenizers split text into tokens; the model then reads the token ids. A tokenizer that is wrong by one id
is wrong everywhere: the embeddings, the attention and the output all change. This is why we test them.
Hello world! Hello there, how are you today? I am fine, thank you. We're testing, they've tested, it's done.
Numbers: 1, 2, 3, 10, 42, 100, 2024, 3.14159 and 1,000,000 are common in text; so are dates like 2024-01-31.
def tokenize(text): return [vocab[t] for t in text.split()]  # Python code
for (int i = 0; i < n; i++) { total += values[i]; }  // C code
https://www.example.com/index.html?query=tokens&page=2
Crème brûlée, café, naïve, résumé, Ångström, Straße, über, señor, façade.
中文分词 日本語のテキスト 한국어 텍스트 — emoji: 👍 👍🏽 😀 🎉
the the the and and of of to to in in is is that that it it for for on on with with as as was was
`;

// GPT-2's reversible byte -> printable character table.
function bytesToUnicode() {
  const bs = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) { bs.push(b); cs.push(256 + n); n++; }
  }
  const map = new Map();
  bs.forEach((b, i) => map.set(b, String.fromCodePoint(cs[i])));
  return map;
}

const byteMap = bytesToUnicode();
const gpt2Split = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const encoder = new TextEncoder();
const toByteLevel = (s) => Array.from(encoder.encode(s), (b) => byteMap.get(b)).join('');

// Word frequencies over byte-level words.
const words = new Map();
for (const m of TRAINING_TEXT.matchAll(gpt2Split)) {
  const w = toByteLevel(m[0]);
  words.set(w, (words.get(w) ?? 0) + 1);
}
let corpus = [...words.entries()].map(([w, c]) => ({ symbols: Array.from(w), count: c }));

const merges = [];
for (let step = 0; step < MERGES; step++) {
  const pairs = new Map();
  for (const { symbols, count } of corpus) {
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = symbols[i] + ' ' + symbols[i + 1];
      pairs.set(key, (pairs.get(key) ?? 0) + count);
    }
  }
  if (pairs.size === 0) break;
  // Highest count wins; ties broken by the pair's text so the output never depends on map order.
  const [best] = [...pairs.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))[0];
  merges.push(best);
  const [a, b] = best.split(' ');
  for (const w of corpus) {
    const out = [];
    for (let i = 0; i < w.symbols.length; i++) {
      if (i + 1 < w.symbols.length && w.symbols[i] === a && w.symbols[i + 1] === b) { out.push(a + b); i++; }
      else out.push(w.symbols[i]);
    }
    w.symbols = out;
  }
}

const vocab = { '<s>': 0, '<pad>': 1, '</s>': 2, '<unk>': 3 };
let next = 4;
for (let b = 0; b < 256; b++) vocab[byteMap.get(b)] = next++;
for (const m of merges) {
  const t = m.replace(' ', '');
  if (!(t in vocab)) vocab[t] = next++;
}
const maskId = next++;
vocab['<mask>'] = maskId;

const added = (id, content, extra = {}) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true, ...extra });
const tokenizer = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: [
    added(0, '<s>'), added(1, '<pad>'), added(2, '</s>'), added(3, '<unk>'),
    added(maskId, '<mask>', { lstrip: true, normalized: false }),
  ],
  normalizer: null,
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: false },
  decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: {
    type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '',
    fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges,
  },
};
const config = {
  add_prefix_space: false, bos_token: '<s>', eos_token: '</s>', sep_token: '</s>', cls_token: '<s>',
  unk_token: '<unk>', pad_token: '<pad>',
  mask_token: { content: '<mask>', lstrip: true, normalized: false, rstrip: false, single_word: false, __type: 'AddedToken' },
  clean_up_tokenization_spaces: false, errors: 'replace', model_max_length: 512, tokenizer_class: 'RobertaTokenizer',
};
const specialMap = { bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', sep_token: '</s>', pad_token: '<pad>', cls_token: '<s>', mask_token: { content: '<mask>', lstrip: true, normalized: false, rstrip: false, single_word: false } };

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'bpe-tiny');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'tokenizer.json'), JSON.stringify(tokenizer, null, 1) + '\n');
writeFileSync(join(out, 'tokenizer_config.json'), JSON.stringify(config, null, 2) + '\n');
writeFileSync(join(out, 'special_tokens_map.json'), JSON.stringify(specialMap, null, 2) + '\n');
console.log(`bpe-tiny: ${Object.keys(vocab).length} tokens, ${merges.length} merges`);

// ---- bpe-sp: SentencePiece-style BPE over characters ----
function learn(wordCounts, steps) {
  let corpus = [...wordCounts.entries()].map(([w, c]) => ({ symbols: Array.from(w), count: c }));
  const learned = [];
  for (let step = 0; step < steps; step++) {
    const pairs = new Map();
    for (const { symbols, count } of corpus) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = JSON.stringify([symbols[i], symbols[i + 1]]);
        pairs.set(key, (pairs.get(key) ?? 0) + count);
      }
    }
    if (pairs.size === 0) break;
    const [bestKey] = [...pairs.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))[0];
    const [a, b] = JSON.parse(bestKey);
    learned.push([a, b]);
    for (const w of corpus) {
      const o = [];
      for (let i = 0; i < w.symbols.length; i++) {
        if (i + 1 < w.symbols.length && w.symbols[i] === a && w.symbols[i + 1] === b) { o.push(a + b); i++; } else o.push(w.symbols[i]);
      }
      w.symbols = o;
    }
  }
  return learned;
}
// Only a Latin subset is learned, so CJK, emoji and most accents exercise the byte fallback.
const spText = TRAINING_TEXT.split('\n').filter((l) => !/[\u0100-\uffff]/.test(l) || l.startsWith('Crème')).join(' ');
const spWords = new Map();
for (const w of ('▁' + spText.replace(/\s+/g, ' ').trim().replace(/ /g, '▁')).split(/(?=▁)/)) spWords.set(w, (spWords.get(w) ?? 0) + 1);
const spMerges = learn(spWords, 250);
const spVocab = { '<unk>': 0, '<s>': 1, '</s>': 2 };
let spNext = 3;
// No tokens for the lead bytes of 4-byte UTF-8 (emoji, math letters): those fall back to a fused <unk>.
for (let b = 0; b < 256; b++) if (b < 0xF0 || b > 0xF7) spVocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = spNext++;
const chars = [...new Set(Array.from(spText.replace(/\s+/g, '▁')))].sort();
if (!chars.includes('▁')) chars.unshift('▁');
for (const c of chars) if (!(c in spVocab)) spVocab[c] = spNext++;
for (const [a, b] of spMerges) if (!((a + b) in spVocab)) spVocab[a + b] = spNext++;
const spTokenizer = {
  version: '1.0', truncation: null, padding: null,
  added_tokens: [0, 1, 2].map((id) => ({ id, content: ['<unk>', '<s>', '</s>'][id], single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
  normalizer: null,
  pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false },
  post_processor: {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
  },
  decoder: { type: 'Sequence', decoders: [
    { type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' },
    { type: 'Strip', content: ' ', start: 1, stop: 0 }] },
  model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null,
    fuse_unk: true, byte_fallback: true, ignore_merges: false, vocab: spVocab, merges: spMerges },
};
const spConfig = { add_bos_token: true, add_eos_token: false, bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', pad_token: null,
  clean_up_tokenization_spaces: false, legacy: false, model_max_length: 1000000000000000019884624838656, tokenizer_class: 'LlamaTokenizer' };
const spOut = join(here, 'bpe-sp');
mkdirSync(spOut, { recursive: true });
writeFileSync(join(spOut, 'tokenizer.json'), JSON.stringify(spTokenizer, null, 1) + '\n');
writeFileSync(join(spOut, 'tokenizer_config.json'), JSON.stringify(spConfig, null, 2) + '\n');
console.log(`bpe-sp: ${Object.keys(spVocab).length} tokens, ${spMerges.length} merges`);
