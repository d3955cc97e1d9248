// Builds the page MicroAI serves at / into one folder that the server embeds (Playground/Playground.targets):
//   node build.mjs [--out DIR]   production build (minified; .br beside each compressible file)
//   node build.mjs --dev         rebuild on change, serve on http://127.0.0.1:5173 with live reload,
//                                and pass every other path to a running server (MICROAI_URL, default http://127.0.0.1:8080)
import * as esbuild from 'esbuild';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const dev = args.includes('--dev');
const outIndex = args.indexOf('--out');
const out = resolve(outIndex >= 0 ? args[outIndex + 1] : join(here, 'dist'));

// The page's own code and styles, compressed, must stay within this (the budget); the
// in-browser runtime under runtime/ is loaded only when used and is not counted.
const BUDGET_BYTES = 300 * 1024;

// ONNX Runtime Web files copied as they are published: loaded by the page on first "run in this browser".
const runtimeFiles = ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];

const options = {
  entryPoints: { app: join(here, 'src/main.ts'), styles: join(here, 'src/styles.css') },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  outdir: out,
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  legalComments: 'none',
  logLevel: 'warning',
  // onnxruntime-web is imported at run time from runtime/, never bundled into the page's code.
  external: ['/playground/runtime/*'],
};

function copyStatic() {
  mkdirSync(join(out, 'runtime'), { recursive: true });
  copyFileSync(join(here, 'src/index.html'), join(out, 'index.html'));
  copyFileSync(join(here, 'src/favicon.svg'), join(out, 'favicon.svg'));
  const ort = join(here, 'node_modules/onnxruntime-web/dist');
  for (const f of runtimeFiles) copyFileSync(join(ort, f), join(out, 'runtime', f));
}

function files(dir) {
  return readdirSync(dir).flatMap(name => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

function compress() {
  for (const f of files(out)) {
    if (f.endsWith('.br') || !/\.(js|mjs|css|html|svg|wasm|json)$/.test(f)) continue;
    const data = readFileSync(f);
    if (data.length < 1024) continue;
    // Quality 9: within a few percent of 11 on the 14 MB runtime, in seconds instead of a minute.
    writeFileSync(f + '.br', brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
  }
}

function checkBudget() {
  const own = files(out).filter(f => !f.includes(`${join(out, 'runtime')}`) && !f.endsWith('.br'));
  const total = own.reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0);
  const kb = (total / 1024).toFixed(1);
  if (total > BUDGET_BYTES) {
    console.error(`playground: the page's own code and styles are ${kb} KB compressed; the budget is ${BUDGET_BYTES / 1024} KB.`);
    process.exit(1);
  }
  console.log(`playground: ${own.length} files, ${kb} KB compressed (budget ${BUDGET_BYTES / 1024} KB) → ${relative(process.cwd(), out) || '.'}`);
}

if (!dev) {
  rmSync(out, { recursive: true, force: true });
  await esbuild.build(options);
  copyStatic();
  checkBudget();
  compress();
} else {
  const upstream = new URL(process.env.MICROAI_URL ?? 'http://127.0.0.1:8080');
  const clients = new Set();
  const reload = { name: 'reload', setup(b) { b.onEnd(() => { copyStatic(); for (const c of clients) c.write('data: reload\n\n'); }); } };
  const ctx = await esbuild.context({ ...options, plugins: [reload] });
  await ctx.watch();
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.wasm': 'application/wasm' };
  createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname === '/__reload') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    const asset = url.pathname === '/' ? 'index.html' : url.pathname.startsWith('/playground/') ? url.pathname.slice('/playground/'.length) : null;
    if (asset !== null) {
      try {
        let body = readFileSync(join(out, asset));
        if (asset === 'index.html') body = Buffer.from(body.toString().replace('</body>', '<script>new EventSource("/__reload").onmessage = () => location.reload();</script></body>'));
        res.writeHead(200, { 'content-type': types[asset.slice(asset.lastIndexOf('.'))] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(body);
        return;
      } catch { /* not a page file: the server's */ }
    }
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } }, r => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    forward.on('error', e => { res.writeHead(502, { 'content-type': 'text/plain' }); res.end(`MicroAI at ${upstream} is not answering: ${e.message}\n`); });
    req.pipe(forward);
  }).listen(5173, '127.0.0.1', () => console.log(`playground: http://127.0.0.1:5173/ (live reload; API → ${upstream})`));
}
