// Generates Fixtures/expectations.json: what the reference implementation (transformers.js, i.e.
// @huggingface/transformers and its @huggingface/tokenizers) produces for our corpus, for three tokenizers:
//   minilm   : ../shared/models/tokenizers/all-MiniLM-L6-v2 (WordPiece, tokenizer.json)
//   bpe-tiny : Fixtures/bpe-tiny (byte-level BPE + RobertaProcessing, made by make-bpe-fixture.mjs)
//   bpe-sp   : Fixtures/bpe-sp (SentencePiece-style BPE: Metaspace, byte fallback; made by make-bpe-fixture.mjs)
//   variant:* : Fixtures/variants.json — a base tokenizer.json with components replaced, to cover the other
//              normalizers, pre-tokenizers, post-processors and decoders (single sequences only)
//   gpt2     : Fixtures/gpt2/{vocab.json,merges.txt}.gz (real GPT-2 vocabulary; see gpt2/NOTICE.md)
//   unigram-xlmr, unigram-t5 : Fixtures/unigram-* (Unigram + Precompiled charsmap; made by make-unigram-fixture.mjs)
// Dev-time only; the tests read the JSON and never need node or the network.
//
//   mkdir /tmp/tokref && cd /tmp/tokref && npm install @huggingface/transformers --ignore-scripts
//   TRANSFORMERS_JS=/tmp/tokref/node_modules/@huggingface/transformers/dist/transformers.node.mjs \
//     node generate-expectations.mjs /path/to/shared/models
//
// Truncation: transformers.js cuts the *final* ids (special tokens included) to max_length, which is
// not what Hugging Face's Rust tokenizers (and so Python transformers) do: they truncate the content to
// max_length minus the special tokens the post-processor adds, then apply the template. For cases with a
// max_length we therefore take transformers.js's content tokens, truncate them with HF's documented
// "longest_first" rule (below) and run transformers.js's own post-processor on the result. For cases
// without truncation the script checks that this reconstruction equals transformers.js's direct output.
// special_tokens_mask (which transformers.js does not return) comes from the same post-processor, run on
// placeholder tokens: every token it adds is special.
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { singles, pairs } from './corpus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const sharedModels = process.argv[2] ?? join(here, '..', '..', '..', '..', 'shared', 'models');
const tf = await import(process.env.TRANSFORMERS_JS ?? '@huggingface/transformers');
const { env, AutoTokenizer } = tf;
env.allowRemoteModels = false;

const MAX = 16;

// Hugging Face (Rust tokenizers) "longest_first" for a pair, given the content budget `max`.
function longestFirst(n1, n2, max) {
  if (n1 + n2 <= max) return [n1, n2];
  let swap = false;
  if (n1 > n2) { swap = true; [n1, n2] = [n2, n1]; }
  n2 = n1 > max ? n1 : Math.max(n1, max - n1);
  if (n1 + n2 > max) { n1 = Math.floor(max / 2); n2 = n1 + (max % 2); }
  return swap ? [n2, n1] : [n1, n2];
}

function makeRunner(tok) {
  const inner = tok._tokenizer;
  // HF's ByteLevel post-processor only trims offsets (ids pass through; pairs are concatenated), while
  // transformers.js's drops the second sequence: treat it as no post-processor.
  const pp = tok._tokenizerJSON.post_processor?.type === 'ByteLevel' ? null : inner.post_processor;
  const content = (text) => tok.encode(text, { add_special_tokens: false });
  const process = (a, b, addSpecial) => {
    const ta = a.map((id) => inner.id_to_token(id));
    const tb = b ? b.map((id) => inner.id_to_token(id)) : null;
    let tokens, typeIds, mask;
    if (addSpecial && pp) {
      const out = pp.post_process(ta, tb, { add_special_tokens: true });
      tokens = out.tokens;
      typeIds = out.token_type_ids ?? tokens.map(() => 0);
      const pa = ta.map((_, i) => `\u{F0000}A${i}`);
      const pb = tb ? tb.map((_, i) => `\u{F0000}B${i}`) : null;
      mask = pp.post_process(pa, pb, { add_special_tokens: true }).tokens.map((t) => (t.startsWith('\u{F0000}') ? 0 : 1));
    } else {
      tokens = tb ? ta.concat(tb) : ta;
      typeIds = tb ? ta.map(() => 0).concat(tb.map(() => 1)) : ta.map(() => 0);
      mask = tokens.map(() => 0);
    }
    const ids = tokens.map((t) => inner.token_to_id(t));
    return { ids, typeIds, mask, tokens };
  };
  const addedCount = (isPair) => {
    if (!pp) return 0;
    return pp.post_process([], isPair ? [] : null, { add_special_tokens: true }).tokens.length;
  };
  return { tok, inner, content, process, addedCount };
}

function runCase(r, text, pair, addSpecialTokens, maxLength) {
  let a = r.content(text);
  let b = pair === null ? null : r.content(pair);
  let truncated = false;
  if (maxLength > 0) {
    const budget = maxLength - (addSpecialTokens ? r.addedCount(b !== null) : 0);
    if (b === null) {
      if (a.length > budget) { a = a.slice(0, budget); truncated = true; }
    } else {
      const [n1, n2] = longestFirst(a.length, b.length, budget);
      if (n1 < a.length || n2 < b.length) truncated = true;
      a = a.slice(0, n1); b = b.slice(0, n2);
    }
  }
  const out = r.process(a, b, addSpecialTokens);
  // transformers.js treats an empty text_pair as "no pair" and its direct call drops the pair behind a
  // ByteLevel post-processor; HF encodes an empty second sequence and concatenates pairs there.
  const comparable = pair === null || (pair !== '' && r.tok._tokenizerJSON.post_processor?.type !== 'ByteLevel');
  if (maxLength === 0 && comparable) {
    const direct = r.tok(text, { text_pair: pair ?? undefined, add_special_tokens: addSpecialTokens, return_tensor: false });
    if (JSON.stringify(direct.input_ids) !== JSON.stringify(out.ids)) {
      throw new Error(`reconstruction differs from transformers.js for ${JSON.stringify([text, pair])}: ${direct.input_ids} vs ${out.ids}`);
    }
    if (direct.token_type_ids && JSON.stringify(direct.token_type_ids) !== JSON.stringify(out.typeIds)) {
      throw new Error(`type ids differ for ${JSON.stringify([text, pair])}`);
    }
  }
  const c = { text, pair, addSpecialTokens, maxLength, ids: out.ids, typeIds: out.typeIds, specialTokensMask: out.mask, tokens: out.tokens, truncated };
  if (pair === null && maxLength === 0) {
    const decode = (skip) => (out.ids.length === 0 ? '' : r.tok.decode(out.ids, { skip_special_tokens: skip }));
    c.decoded = decode(true);
    c.decodedWithSpecialTokens = decode(false);
    // transformers.js decodes <0xNN> byte runs with TextDecoder, which drops a U+FEFF; HF keeps it.
    if (text.includes('\uFEFF') && JSON.stringify(r.tok._tokenizerJSON.decoder ?? {}).includes('ByteFallback')) {
      c.decodeDeviation = 'transformers.js (TextDecoder) drops U+FEFF when decoding byte-fallback tokens; Hugging Face keeps it';
    }
  }
  return c;
}

function suite(name, r) {
  const cases = [];
  for (const t of singles) {
    cases.push(runCase(r, t, null, true, 0));
    cases.push(runCase(r, t, null, false, 0));
    cases.push(runCase(r, t, null, true, MAX));
  }
  for (const [x, y] of pairs) {
    cases.push(runCase(r, x, y, true, 0));
    cases.push(runCase(r, x, y, false, 0));
    cases.push(runCase(r, x, y, true, MAX));
    cases.push(runCase(r, x, y, true, 9));
  }
  return { name, vocabularySize: r.tok._tokenizer.model.vocab?.length ?? null, cases };
}

async function load(folder) {
  env.localModelPath = dirname(folder) + '/';
  return makeRunner(await AutoTokenizer.from_pretrained(folder.split('/').pop()));
}

// A copy of a base folder with parts of tokenizer.json replaced (a null value removes the component).
function variantFolder(baseFolder, variant) {
  const tj = JSON.parse(readFileSync(join(baseFolder, 'tokenizer.json'), 'utf8'));
  Object.assign(tj, variant.patch);
  const dir = join(mkdtempSync(join(tmpdir(), 'tokref-')), variant.name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tj));
  const config = JSON.parse(readFileSync(join(baseFolder, 'tokenizer_config.json'), 'utf8'));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ ...config, ...(variant.configPatch ?? {}) }));
  return dir;
}

// Cases where transformers.js is known to differ from Hugging Face's Rust tokenizers (listed with the reason in
// variants.json) keep transformers.js's output but are marked; the C# tests skip them and check those behaviours
// against hand-derived expectations instead.
function variantSuite(name, r, deviations = []) {
  const cases = [];
  for (const t of singles) cases.push(runCase(r, t, null, true, 0));
  for (const [x, y] of pairs.slice(0, 2)) cases.push(runCase(r, x, y, true, 0));
  for (const c of cases) {
    const d = deviations.find((x) => x.texts.includes(c.text) && c.pair === null);
    if (d) c.referenceDeviation = d.reason;
  }
  return { name, cases };
}

// GPT-2: vocab.json + merges.txt wrapped in the tokenizer.json Hugging Face publishes for gpt2.
function gpt2Folder() {
  const vocab = JSON.parse(gunzipSync(readFileSync(join(here, 'gpt2', 'vocab.json.gz'))).toString('utf8'));
  const merges = gunzipSync(readFileSync(join(here, 'gpt2', 'merges.txt.gz'))).toString('utf8')
    .split('\n').filter((l) => l && !l.startsWith('#version'));
  const tj = {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [{ id: 50256, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, vocab, merges },
  };
  const dir = join(mkdtempSync(join(tmpdir(), 'tokref-')), 'gpt2');
  mkdirSync(dir);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tj));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 1024, clean_up_tokenization_spaces: false }));
  return dir;
}

const version = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.resolve(process.env.TRANSFORMERS_JS ?? '@huggingface/transformers'))), '..', 'package.json'), 'utf8')).version;
const result = {
  generator: 'generate-expectations.mjs',
  reference: `@huggingface/transformers ${version}`,
  suites: [
    suite('minilm', await load(join(sharedModels, 'tokenizers', 'all-MiniLM-L6-v2'))),
    suite('bpe-tiny', await load(join(here, 'bpe-tiny'))),
    suite('bpe-sp', await load(join(here, 'bpe-sp'))),
    suite('gpt2', await load(gpt2Folder())),
    suite('unigram-xlmr', await load(join(here, 'unigram-xlmr'))),
    suite('unigram-t5', await load(join(here, 'unigram-t5'))),
  ],
};
const baseFolders = { minilm: join(sharedModels, 'tokenizers', 'all-MiniLM-L6-v2'), 'bpe-tiny': join(here, 'bpe-tiny'), 'bpe-sp': join(here, 'bpe-sp') };
for (const v of JSON.parse(readFileSync(join(here, 'variants.json'), 'utf8'))) {
  result.suites.push(variantSuite(`variant:${v.name}`, await load(variantFolder(baseFolders[v.base], v)), v.referenceDeviations));
}
writeFileSync(join(here, 'expectations.json'), JSON.stringify(result, null, 0).replace(/\{"text"/g, '\n{"text"') + '\n');
console.log(result.suites.map((s) => `${s.name}: ${s.cases.length} cases`).join(', '));
