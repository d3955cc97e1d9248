// Cross-check: renders every case of expectations.json with @huggingface/jinja (the JS reference) and
// reports where it disagrees with Python Jinja2 (the renders transformers produces, which the C# tests
// assert). Dev-time only:
//   mkdir /tmp/jinjaref && cd /tmp/jinjaref && npm install @huggingface/jinja --ignore-scripts
//   TZ=UTC NODE_PATH=/tmp/jinjaref/node_modules node compare-hf-jinja.mjs [expectations.json]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(process.env.NODE_PATH ? process.env.NODE_PATH + "/" : import.meta.url);
const { Template } = require("@huggingface/jinja");
const data = JSON.parse(readFileSync(process.argv[2] ?? new URL("./expectations.json", import.meta.url), "utf8"));
const now = new Date(data.now + "Z");
// @huggingface/jinja has built-in raise_exception and strftime_now (reading the clock), so freeze the clock.
const RealDate = Date;
globalThis.Date = class extends RealDate {
  constructor(...args) { if (args.length) super(...args); else super(now.getTime()); }
  static now() { return now.getTime(); }
};

let agree = 0;
const disagreements = [];
for (const c of data.cases) {
  const conv = data.conversations[c.conversation];
  let output, error;
  try {
    const template = new Template(data.templates[c.template]);
    output = template.render({
      messages: conv.messages, tools: conv.tools, documents: null,
      add_generation_prompt: conv.add_generation_prompt, bos_token: data.bos_token, eos_token: data.eos_token,
    });
  } catch (e) {
    error = String(e.message ?? e);
  }
  const same = "output" in c ? output === c.output : error !== undefined;
  if (same) agree++;
  else disagreements.push(`${c.template} / ${c.conversation}: ${error ? "js error: " + error.slice(0, 100) : "output differs"}`);
}
console.log(`@huggingface/jinja agrees with Python Jinja2 on ${agree}/${data.cases.length} cases`);
for (const d of disagreements) console.log("  " + d);

