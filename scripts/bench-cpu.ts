// `npm run bench:cpu`: the CPU engine (llama.cpp in WebAssembly) on the tiny Qwen3 in headless Chromium: decode
// tokens/s with 1 thread and with all threads, and the page's long frames while it decodes.
import { cpus } from 'node:os';
import { preview } from 'vite';
import { startGgufMirror } from '../e2e/sim/gguf-mirror.ts';
import { percentile } from '../src/lib/metrics/sorted-sample.ts';
import { Browser, type Page } from './cdp.ts';

/** answers measured per thread count, after one that loads the model */
const RUNS = Math.max(1, Number(process.env.RUNS ?? 3));
const TOKENS = Math.max(8, Number(process.env.TOKENS ?? 192));
const LONG_MS = 50;

const mirror = await startGgufMirror();
const server = await preview({ preview: { host: '127.0.0.1', port: 0 }, logLevel: 'silent' });
const appUrl = server.resolvedUrls!.local[0]!;
const browser = await Browser.launch();

interface Answer {
  streamTps: number;
  engineTps: number;
  tokens: number;
  longFrames: number;
  /** long frames whose scripts alone ran over the limit: work on the page's thread, not a wait for a core */
  scriptFrames: number;
  worstScriptMs: number;
  worstFrameMs: number;
  worstScript: string;
}

try {
  const probe = await browser.newPage(1280, 800);
  await probe.goto(appUrl);
  await probe.waitFor(`document.querySelector('[data-testid="prompt"]')`, 30_000);
  const [isolated, cores] = await probe.evaluate<[boolean, number]>(`[crossOriginIsolated, navigator.hardwareConcurrency]`);
  await probe.close();
  console.log(`Machine: ${cpus().length} logical cores (${cpus()[0]?.model.trim() ?? 'unknown'}); the page reports ${cores}, cross-origin isolated: ${isolated}`);
  console.log(`Tiny Qwen3 (${Math.round(mirror.bytes / 1024)} KB, random weights), answers of ${TOKENS} tokens, ${RUNS} per thread count after one that loads the model\n`);
  console.log(['threads', 'tok/s (stream)', 'tok/s (llama.cpp)', `long frames >${LONG_MS}ms`, `of them >${LONG_MS}ms of script`, 'worst frame ms', 'most script in a frame ms'].join('\t'));
  for (const threads of [...new Set([1, isolated ? cores : 1])]) {
    const answers = await measure(threads);
    const med = (pick: (a: Answer) => number) => percentile(answers.map(pick).sort((a, b) => a - b), 50);
    const worst = answers.reduce((w, a) => (a.worstFrameMs > w.worstFrameMs ? a : w), answers[0]!);
    console.log([threads, med((a) => a.streamTps).toFixed(1), med((a) => a.engineTps).toFixed(1), answers.map((a) => a.longFrames).join('/'), answers.map((a) => a.scriptFrames).join('/'), worst.worstFrameMs.toFixed(0), Math.max(...answers.map((a) => a.worstScriptMs)).toFixed(0)].join('\t'));
    if (worst.longFrames) console.log(`  worst long frame's script: ${worst.worstScript || '(none: rendering or the browser)'}`);
  }
  console.log("\ntok/s (stream): the page's own decode rate from the events; tok/s (llama.cpp): the engine's timings.");
  console.log('Long frames are counted from Send to the end of each answer, one count per answer. A long frame with little');
  console.log("script time waited for a core (other processes, llama.cpp's own threads): it did no work on the page.");
} finally {
  await browser.close();
  await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  await mirror.close();
}

async function measure(threads: number): Promise<Answer[]> {
  const page = await browser.newPage(1280, 800);
  await page.send('Page.addScriptToEvaluateOnNewDocument', {
    source: `
    window.__loaf = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const top = [...e.scripts].sort((a, b) => b.duration - a.duration)[0];
        const scriptMs = e.scripts.reduce((a, s) => a + s.duration, 0);
        window.__loaf.push({ duration: e.duration, start: e.startTime, scriptMs, script: top ? top.invoker + ' ' + (top.sourceFunctionName || '') + ' ' + top.duration.toFixed(0) + 'ms' : '' });
      }
    }).observe({ type: 'long-animation-frame', buffered: false });`,
  });
  const q = new URLSearchParams({ panel: 'Qwen3-0.6B@wasm', 'models-from': mirror.url, 'cpu-threads': String(threads) });
  await page.goto(`${appUrl}?${q}`);
  await page.waitFor(`document.querySelector('[data-testid="prompt"]')`, 30_000);
  // Max tokens under Sampling: the random model never ends a turn by itself
  await page.evaluate(`(() => {
    const label = [...document.querySelectorAll('label')].find((l) => l.textContent.trim().startsWith('Max tokens'));
    const input = label.querySelector('input');
    input.value = '${TOKENS}';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  })()`);
  const out: Answer[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const answer = await ask(page, i + 1);
    if (i > 0) out.push(answer);
  }
  await page.close();
  return out;
}

async function ask(page: Page, n: number): Promise<Answer> {
  // a panel takes a new turn once its last answer has fully ended (its Stop button gone)
  await page.waitFor(`!document.querySelector('[data-testid="stop"]')`, 30_000);
  await page.evaluate(`(() => {
    const prompt = document.querySelector('[data-testid="prompt"]');
    prompt.value = 'Say something (${n})';
    prompt.dispatchEvent(new Event('input', { bubbles: true }));
  })()`);
  await page.waitFor(`!document.querySelector('[data-testid="send"]').disabled`, 30_000);
  const sentAt = await page.evaluate<number>(`(document.querySelector('[data-testid="send"]').click(), performance.now())`);
  await page.waitFor(`(document.querySelectorAll('[data-testid="answer"]').length >= ${n} && document.querySelector('[data-testid="status"]').dataset.state === 'done') || document.querySelector('[data-testid="error"]')`, 180_000);
  const error = await page.evaluate<string | null>(`document.querySelector('[data-testid="error"]')?.textContent ?? null`);
  if (error) throw new Error(`The answer failed: ${error}`);
  const r = await page.evaluate<{ tps: string; tokens: string; engine: number; loaf: Array<{ duration: number; start: number; scriptMs: number; script: string }> }>(`({
    tps: [...document.querySelectorAll('[data-testid="metric-tps"]')].at(-1)?.dataset.value ?? '',
    tokens: [...document.querySelectorAll('[data-testid="metric-tokens"]')].at(-1)?.dataset.value ?? '',
    engine: JSON.parse(localStorage.getItem('qwen-playground/cpu-speed') ?? '{}')['Qwen3-0.6B-Q8_0']?.tokensPerS ?? NaN,
    loaf: window.__loaf,
  })`);
  const long = r.loaf.filter((l) => l.start >= sentAt && l.duration > LONG_MS);
  const worst = long.reduce<{ duration: number; script: string } | null>((w, l) => (!w || l.duration > w.duration ? l : w), null);
  const scripted = long.filter((l) => l.scriptMs > LONG_MS);
  return { streamTps: Number(r.tps), engineTps: r.engine, tokens: Number(r.tokens), longFrames: long.length, scriptFrames: scripted.length, worstScriptMs: Math.max(0, ...long.map((l) => l.scriptMs)), worstFrameMs: worst?.duration ?? 0, worstScript: worst?.script ?? '' };
}
