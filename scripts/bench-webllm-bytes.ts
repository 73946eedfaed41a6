// `npm run bench:webllm-bytes`: the code a first in-browser answer downloads before the weights, file by file (gzipped).
// The built app (dist/) in headless Chromium with a software WebGPU adapter; the model host refuses every file, so the
// answer stops where the weights would start, and every byte counted is the app's own code and assets.
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './chromium.ts';

const DIST = join(import.meta.dirname, '..', 'dist');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png' };
/** a string web-llm's bundle holds and this app's own code does not: which files carry web-llm */
const WEBLLM_MARK = 'mlc-chat-config.json';

interface Fetched {
  path: string;
  gz: number;
  webllm: boolean;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const fetched: Fetched[] = [];
const sizes = new Map<string, Fetched>();
// dist/ as a static host would serve it; each file's gzipped size is what a server sending gzip would send
const app = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(DIST, path.endsWith('/') ? `${path}index.html` : path);
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch {
    return void res.writeHead(404).end();
  }
  const body = readFileSync(file);
  if (!sizes.has(path)) sizes.set(path, { path, gz: gzipSync(body).length, webllm: body.includes(WEBLLM_MARK) });
  fetched.push(sizes.get(path)!);
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
});
// huggingface.co and GitHub as seen from a closed network: every model file refused
const models = createServer((_req, res) => res.writeHead(404, { 'access-control-allow-origin': '*' }).end('not here'));
const [appURL, modelsURL] = await Promise.all([listen(app), listen(models)]);

const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...chromiumArgs(), '--enable-unsafe-webgpu'] });
try {
  const page = await browser.newPage();
  const q = new URLSearchParams({ panel: 'Qwen3-0.6B-q4f16_1-MLC@webllm', 'models-from': `${modelsURL}/` });
  await page.goto(`${appURL}/?${q}`);
  await page.getByTestId('prompt').waitFor();
  const atLoad = fetched.length;
  await page.getByTestId('prompt').fill('Hello');
  await page.getByTestId('prompt').press('Enter');
  const status = page.getByTestId('status').first();
  await status.and(page.locator('[data-state="error"]')).waitFor({ timeout: 120_000 });
  const error = await page.getByTestId('error').first().innerText();
  if (!/Could not download/.test(error)) throw new Error(`The answer stopped before the weights: ${error}`);

  const kb = (list: Fetched[]) => list.reduce((n, f) => n + f.gz, 0) / 1024;
  const device = await page.evaluate(async () => ((await (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()) ? 'a WebGPU adapter' : 'no WebGPU adapter'));
  console.log(`A first in-browser answer (Qwen3-0.6B), from opening the page until the weights would download; Chromium with ${device}.`);
  console.log('file'.padEnd(52) + 'KB gz'.padStart(9) + '  web-llm');
  for (const f of fetched) console.log(f.path.padEnd(52) + kb([f]).toFixed(1).padStart(9) + (f.webllm ? '  yes' : ''));
  const webllm = fetched.filter((f) => f.webllm);
  console.log(`Before Enter (the setup opens with the page and asks the worker for the catalog): ${kb(fetched.slice(0, atLoad)).toFixed(1)} KB gz in ${atLoad} files; until the weights: ${(kb(fetched) / 1024).toFixed(2)} MB gz in ${fetched.length} files`);
  console.log(`web-llm's code: ${webllm.length} ${webllm.length === 1 ? 'copy' : 'copies'}, ${(kb(webllm) / 1024).toFixed(2)} MB gz (goal: one copy, ≤ 2.3 MB gz in all)`);
} finally {
  await browser.close();
  app.close();
  models.close();
}
