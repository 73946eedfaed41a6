// `npm run bench:render`: streams 4 panels from the simulator into the built app in headless Chromium and
// prints frame, render-lag and main-thread numbers, plus the JavaScript a first visit loads (gzipped).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, setPriority } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { preview } from 'vite';
import { startSim } from '../e2e/sim/server.ts';
import { percentile } from '../src/lib/metrics/sorted-sample.ts';
import { Browser, type Page } from './cdp.ts';
import { frameCpu, pageLongTasks, type TraceEvent } from './page-tasks.ts';
import { byPhase, describe, OBSERVE_LONG_FRAMES, SourceNames, total, watchPhases, type LongFrame, type Phases } from './long-frames.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
/** --start: the page opening and starting to stream (4 × 12,000 tokens at 300 tokens/s), every long frame listed */
const start = args.includes('--start');
/** --load: only the page opening (RUNS times), its long frames listed; with TASKS=1 each with its own CPU time */
const loadOnly = args.includes('--load');
const only = args.find((a) => a.startsWith('--only='))?.slice(7) ?? (start ? '300x12000' : undefined); // e.g. --only=500x20000
/** DIST=dir: serve another build (an older dist/ kept aside), to interleave runs of two builds */
const DIST = process.env.DIST ?? 'dist';
const names = new SourceNames(join(DIST, 'assets'));
const PANELS = Number(process.env.PANELS ?? 4);
/** every panel done, with its final render (the whole text once, in idle time) on screen */
const ALL_FINAL = `document.querySelectorAll('[data-testid="panel"] [data-testid="answer"][data-final="true"]').length === ${PANELS}`;
/** each case this many times: long-frame counts on a busy 2-core machine vary by half from run to run */
const RUNS = Math.max(1, Number(process.env.RUNS ?? 1));
/** trace the page's main-thread tasks: five more columns, at a small cost of its own */
const TASKS = Boolean(process.env.TASKS);
const PROMPT = `document.querySelector('[data-testid="prompt"]')`;
/** SLOWDOWN=n: each page's main thread runs n times slower (DevTools CPU throttling), to see a slower laptop on a fast machine */
const SLOWDOWN = Math.max(1, Number(process.env.SLOWDOWN ?? 1));

const scenarios: Array<[number, number]> = loadOnly
  ? []
  : only
  ? [only.split('x').map(Number) as [number, number]]
  : [250, 500, 1000].flatMap((tps) => (quick ? [1000, 10000] : [1000, 10000, 50000]).map((tokens): [number, number] => [tps, tokens]));
if (!only && !quick && !loadOnly) scenarios.push([500, 20000]); // the budget case

const sim = await startSim({ ttftMs: 100, reasoningTokens: 0 });
const server = await preview({ preview: { host: '127.0.0.1', port: 0 }, build: { outDir: DIST }, logLevel: 'silent' });
const appUrl = server.resolvedUrls!.local[0]!;
const browser = await Browser.launch();
// The simulator stands in for a server on another machine: it runs in this process, so once Chromium has
// started (its processes keep their own priority) this process yields the cores to the page whenever both
// want one. SIM_NICE=0 shares them equally, as a server on the same laptop would.
const SIM_NICE = Number(process.env.SIM_NICE ?? 19);
setPriority(SIM_NICE);

try {
  console.log(`Initial JavaScript (gzipped, before any model is chosen): ${(await initialJs()).toFixed(1)} KB`);
  console.log(await machine());
  if (SLOWDOWN > 1) console.log(`Each page's main thread slowed ${SLOWDOWN}× (DevTools CPU throttling)`);
  if (loadOnly) for (let i = 0; i < RUNS; i++) await open();
  else console.log(`\n${PANELS} panels, answers of N tokens at R tokens/s each (vLLM dialect, 1 token per chunk; simulator at nice ${SIM_NICE})\n`);
  if (scenarios.length) console.log(
    ['R tok/s', 'N tokens', 'load LoAF n', 'load LoAF ms', 'stream LoAF n', 'stream LoAF worst ms', 'stream frame p99 ms', 'end lag ms', 'LoAF n', 'LoAF total ms', 'LoAF worst ms', 'frame p50 ms', 'frame p99 ms', 'lag p50 ms', 'lag p99 ms', 'lag max ms', 'busy %', 'µs/token', 'browser CPU µs/token', 'heap MB', 'reopen ms', 'reopen LoAF n', 'reopen LoAF worst ms', ...(TASKS ? ['tasks>50ms n', 'on core %', 'all tasks on core %', 'tasks>50ms CPU n', 'worst task CPU ms', 'load LoAF CPU ms', 'stream LoAF CPU>50 n', 'stream LoAF worst CPU ms'] : [])].join('\t'),
  );
  for (const [tps, tokens] of scenarios) {
    const results: Result[] = [];
    for (let i = 0; i < RUNS; i++) {
      results.push(await run(tps, tokens));
      console.log([tps, tokens, ...row(results.at(-1)!)].join('\t'));
    }
    if (RUNS > 1) {
      // one run on a busy machine says little: the median of each column, then its range
      const column = (k: number) => results.map((r) => Number(row(r)[k])).sort((a, b) => a - b);
      const columns = row(results[0]!).map((_, k) => column(k));
      console.log(['median', '', ...columns.map((c) => Number(percentile(c, 50).toFixed(1)))].join('\t'));
      console.log(['range', '', ...columns.map((c) => `${c[0]}–${c.at(-1)}`)].join('\t'));
    }
  }
} finally {
  await browser.close();
  await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  await sim.close();
}

/** JavaScript files the page loads at start, gzipped as a server would send them. */
async function initialJs(): Promise<number> {
  const page = await browser.newPage(1280, 800);
  await page.goto(appUrl);
  await page.waitFor(PROMPT, 30_000);
  const loaded = await page.evaluate<string[]>(`performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname.split('/').at(-1))`);
  await page.close();
  const dist = join(DIST, 'assets');
  const files = readdirSync(dist).filter((f) => f.endsWith('.js') && loaded.includes(f));
  return files.reduce((kb, f) => kb + gzipSync(readFileSync(join(dist, f))).length / 1024, 0);
}

/**
 * The machine, so that runs on different days can be compared: one build measured 0-2 long frames in the
 * budget case on one 2-core machine and 39-73 on another. The reference is work of a fixed size in a blank
 * page, independent of the app: a sort (script) and a layout (rendering).
 */
async function machine(): Promise<string> {
  const { product } = await browser.send<{ product: string }>('Browser.getVersion');
  const page = await browser.newPage(1280, 800);
  await page.goto('about:blank');
  const ms = await page.evaluate<[number, number]>(`(() => {
    const best = (work) => Math.min(...[0, 1, 2, 3, 4].map(() => { const t = performance.now(); work(); return performance.now() - t; }));
    const sort = best(() => { let x = 1; const a = new Float64Array(1e6).map(() => (x = (x * 16807) % 2147483647)); a.sort(); });
    const layout = best(() => {
      const div = document.createElement('div');
      div.style.width = '40em';
      div.innerHTML = '<p>The quick brown fox jumps over the lazy dog, <em>again</em> and <code>again</code>.</p>'.repeat(2000);
      document.body.replaceChildren(div);
      void div.offsetHeight;
    });
    return [sort, layout];
  })()`);
  await page.close();
  const cpu = cpus();
  return `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${product}; reference work in a page: sort 1M numbers ${ms[0].toFixed(0)} ms, lay out 2,000 paragraphs ${ms[1].toFixed(0)} ms (best of 5)`;
}

/** The app with its panels on the simulator, through its setup link. */
function setupLink(tps: number, tokens: number): string {
  const q = new URLSearchParams({ perf: '1', ...(process.env.HZ ? { hz: process.env.HZ } : {}) });
  // REASONING=n: a thinking model that reasons n tokens (shown live) before its answer
  const model = process.env.REASONING ? `Qwen/Qwen3-Next-80B-A3B-Thinking` : `Qwen/Qwen3-Next-80B-A3B-Instruct`;
  const reasoning = process.env.REASONING ? `,reasoning=${process.env.REASONING}` : '';
  for (let i = 0; i < PANELS; i++) q.append('panel', `${model}@${sim.url}/vllm,tps=${tps},answer=${tokens}${reasoning},tpc=${process.env.TPC ?? 1},seed=${i + 1}/v1`);
  return `${appUrl}?${q}`;
}

/**
 * The page opening alone, its setup link given: its long frames until a second after the prompt shows (the
 * idle-time warm-ups begin there), each with its own CPU time where TASKS=1 traces the page's tasks.
 */
async function open(): Promise<void> {
  const page = await browser.newPage(1920, 1080);
  await page.send('Page.addScriptToEvaluateOnNewDocument', { source: OBSERVE_LONG_FRAMES });
  if (TASKS) await browser.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'blink.user_timing'] } });
  await page.goto(setupLink(300, 12000));
  await page.waitFor(PROMPT, 30_000, 20);
  await new Promise((r) => setTimeout(r, 1000));
  // a task of 30 ms between two marks: the page's renderer is the one that worked the most between them
  const at = await page.evaluate<number>(`new Promise((resolve) => {
    const at = performance.mark('bench-start').startTime;
    setTimeout(() => { const end = performance.now() + 30; while (performance.now() < end); performance.mark('bench-end'); resolve(at); });
  })`);
  const frames = (await page.evaluate<LongFrame[]>('window.__loaf')).filter((f) => f.start < at);
  if (TASKS) frameCpu(frames, (await stopTracing()) as TraceEvent[], at);
  await page.close();
  const own = frames.map((f) => f.cpu ?? NaN);
  console.log(`Opening: ${frames.length} long frames, ${total(frames).toFixed(0)} ms${TASKS ? `; the page's own CPU in them ${own.reduce((a, b) => a + b, 0).toFixed(0)} ms, at most ${Math.max(0, ...own).toFixed(0)} ms in one` : ''}`);
  for (const f of frames) console.log(describe('load', f, { firstText: NaN, allDone: NaN }, names));
}

type Result = Awaited<ReturnType<typeof run>>;

/** A result as the table's columns after the case's own two. */
function row(r: Result): string[] {
  // the long frames' own CPU time: the page's work in them, without the waiting for a core
  const cpu = (frames: LongFrame[]) => frames.map((f) => f.cpu ?? NaN);
  const tasks = r.longTasks
    ? [r.longTasks.count, (r.longTasks.onCore * 100).toFixed(0), (r.longTasks.allOnCore * 100).toFixed(0), r.longTasks.cpuOver50, r.longTasks.cpuWorst.toFixed(0),
       cpu(r.load).reduce((a, b) => a + b, 0).toFixed(0), cpu(r.streaming).filter((ms) => ms > 50).length, Math.max(0, ...cpu(r.streaming)).toFixed(0)]
    : [];
  return [r.load.length, total(r.load).toFixed(0), r.streaming.length, Math.max(0, ...r.streaming.map((f) => f.duration)).toFixed(0), r.streamFrameP99.toFixed(1), r.endLag.toFixed(0), r.loafCount, r.loafTotal.toFixed(0), r.loafWorst.toFixed(0), r.frameP50.toFixed(1), r.frameP99.toFixed(1), r.lagP50.toFixed(1), r.lagP99.toFixed(1), r.lagMax.toFixed(1), (r.busy * 100).toFixed(1), r.usPerToken.toFixed(1), r.browserUsPerToken.toFixed(0), r.heapMB.toFixed(1), r.reopen.ms.toFixed(0), r.reopen.loafCount, r.reopen.loafWorst.toFixed(0), ...tasks].map(String);
}

async function run(tps: number, tokens: number) {
  const page = await browser.newPage(Number(process.env.W ?? 1920), Number(process.env.H ?? 1080));
  if (SLOWDOWN > 1) await page.send('Emulation.setCPUThrottlingRate', { rate: SLOWDOWN });
  // a string, not a function: tsx would wrap named functions in a helper the page does not have
  await page.send('Page.addScriptToEvaluateOnNewDocument', { source: `
    window.__frames = [];
    ${OBSERVE_LONG_FRAMES}
    ${process.env.CSS ? `addEventListener('DOMContentLoaded', () => document.head.append(Object.assign(document.createElement('style'), { textContent: ${JSON.stringify(process.env.CSS)} })));` : ''}
  ` });
  // TASKS=1: the page's tasks (category toplevel), whose wall and CPU times tell its own work from waiting for a core;
  // traced from before the navigation, so that each long frame of the load gets its CPU time too
  const categories = [...new Set([...(TASKS ? ['toplevel', 'blink.user_timing'] : []), ...(process.env.TRACE ? ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'disabled-by-default-v8.gc', 'blink.user_timing', ...(process.env.TRACE_CATS?.split(',') ?? [])] : [])])];
  if (categories.length) await browser.send('Tracing.start', { traceConfig: { includedCategories: categories } });
  await page.goto(setupLink(tps, tokens));
  await page.waitFor(PROMPT, 30_000);
  await page.send('Performance.enable');
  if (process.env.PROFILE) {
    await page.send('Profiler.enable');
    await page.send('Profiler.start');
  }
  if (process.env.ALLOC) {
    await page.send('HeapProfiler.enable');
    await page.send('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  }
  const before = await taskSeconds(page);
  const cpuBefore = browser.cpuSeconds();
  const start = Date.now();
  const sentAt = await page.evaluate<number>(`performance.mark('bench-start').startTime`);
  await page.evaluate(`${PROMPT}.focus()`);
  await page.send('Input.insertText', { text: 'Benchmark' });
  await new Promise((r) => setTimeout(r, 1500)); // a person types for a moment, then presses Enter
  // frame intervals are counted from Enter: a frame loop from the start would keep the page from ever being
  // idle, which a person's page is while they type (and the app uses that time to warm up)
  await page.evaluate(`requestAnimationFrame(function tick(t) { window.__frames.push(t); requestAnimationFrame(tick); })`);
  await page.evaluate(watchPhases(PANELS));
  await page.press('Enter');
  /** tokens each panel streams: the reasoning, then the answer */
  const perPanel = tokens + Number(process.env.REASONING ?? 0);
  await waitAllDone(page, (perPanel / tps) * 1000 + 60_000);
  const wall = (Date.now() - start) / 1000;
  const busySeconds = (await taskSeconds(page)) - before;
  const cpuSeconds = browser.cpuSecondsSince(cpuBefore);
  await page.evaluate(`performance.mark('bench-end')`);
  // read before the profilers stop: stopping them takes the page's main thread for a while
  const data = await page.evaluate<{ loafDetail: LongFrame[]; frames: number[]; lags: number[]; phases: Phases; newestReceivedAt: number }>(
    `({ loafDetail: window.__loaf, frames: window.__frames, lags: window.__renderLag.lags, phases: window.__phases, newestReceivedAt: window.__renderLag.newestReceivedAt })`,
  );
  if (process.env.PROFILE) {
    const { profile } = await page.send<{ profile: unknown }>('Profiler.stop');
    writeFileSync(process.env.PROFILE, JSON.stringify(profile));
  }
  if (process.env.ALLOC) writeFileSync(process.env.ALLOC, JSON.stringify((await page.send<{ profile: unknown }>('HeapProfiler.stopSampling')).profile));
  const traceEvents = categories.length ? await stopTracing() : [];
  if (process.env.TRACE) writeFileSync(process.env.TRACE, JSON.stringify({ traceEvents }));
  const longTasks = TASKS ? pageLongTasks(traceEvents as TraceEvent[], Boolean(process.env.DEBUG)) : null;
  if (TASKS) frameCpu(data.loafDetail, traceEvents as TraceEvent[], sentAt);
  // what the page holds once it is all on screen and saved (the last save lands within half a second)
  await new Promise((r) => setTimeout(r, 1000));
  await page.send('HeapProfiler.collectGarbage');
  const heap = (await page.send<{ usedSize: number }>('Runtime.getHeapUsage')).usedSize;
  const reopen = await reopenFromHistory(page);
  // frames of the page load are not the streaming's
  const loaf = data.loafDetail.filter((l) => l.start >= sentAt);
  await page.close();
  const phases = byPhase(data.loafDetail, data.phases);
  if (process.env.DEBUG || start) {
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`  typing from ${s(sentAt)}, first answer text ${s(data.phases.firstText)}, every panel done ${s(data.phases.allDone)} (from the navigation)`);
  }
  if (process.env.DEBUG || start)
    for (const phase of ['load', 'streaming', 'after'] as const) for (const f of phases[phase]) console.log(describe(phase, f, data.phases, names));
  const intervals = data.frames.slice(1).map((t, i) => t - data.frames[i]!).sort((a, b) => a - b);
  // the frames from the one that drew the first answer text until every panel showed done
  // (a frame's time is when it began, before the text went in)
  const firstFrame = Math.max(0, data.frames.findLastIndex((t) => t <= data.phases.firstText));
  const streamFrames = data.frames.slice(firstFrame).filter((t) => t <= data.phases.allDone);
  const streamIntervals = streamFrames.slice(1).map((t, i) => t - streamFrames[i]!).sort((a, b) => a - b);
  const lags = [...data.lags].sort((a, b) => a - b);
  const p = (xs: number[], q: number) => (xs.length ? percentile(xs, q) : NaN);
  return {
    ...phases,
    streamFrameP99: p(streamIntervals, 99),
    /** from the last event off the network to every panel showing done */
    endLag: data.phases.allDone - data.newestReceivedAt,
    loafCount: loaf.length,
    loafTotal: loaf.reduce((a, l) => a + l.duration, 0),
    loafWorst: Math.max(0, ...loaf.map((l) => l.duration)),
    frameP50: p(intervals, 50),
    frameP99: p(intervals, 99),
    lagP50: p(lags, 50),
    lagP99: p(lags, 99),
    lagMax: lags.at(-1) ?? NaN,
    busy: busySeconds / wall,
    usPerToken: (busySeconds * 1e6) / (PANELS * perPanel),
    browserUsPerToken: (cpuSeconds * 1e6) / (PANELS * perPanel),
    heapMB: heap / 2 ** 20,
    reopen,
    longTasks,
  };
}

/**
 * The page opened again, as after a reload: the comparison comes back from storage, every answer
 * replayed from its saved events and rendered anew. How long until all are final (from the navigation),
 * and the long frames meanwhile.
 */
async function reopenFromHistory(page: Page): Promise<{ ms: number; loafCount: number; loafWorst: number }> {
  await page.evaluate('window.__before = true');
  await page.goto(appUrl);
  await page.waitFor(`!window.__before && ${ALL_FINAL}`, 120_000, 50);
  const { ms, loaf } = await page.evaluate<{ ms: number; loaf: LongFrame[] }>(`({ ms: performance.now(), loaf: window.__loaf })`);
  if (process.env.DEBUG) console.log('  reopened, blocks per answer:', await page.evaluate(`[...document.querySelectorAll('[data-testid="answer"]')].map((a) => a.querySelectorAll('.md-block').length).join(' ')`));
  if (process.env.DEBUG) for (const l of loaf) console.log(describe('reopening', l, { firstText: NaN, allDone: NaN }, names));
  return { ms, loafCount: loaf.length, loafWorst: Math.max(0, ...loaf.map((l) => l.duration)) };
}

async function stopTracing(): Promise<unknown[]> {
  const events: unknown[] = [];
  const done = browser.until((m) => {
    if (m.method === 'Tracing.dataCollected') events.push(...(m.params!.value as unknown[]));
    return m.method === 'Tracing.tracingComplete';
  });
  await browser.send('Tracing.end');
  await done;
  return events;
}

async function taskSeconds(page: Page): Promise<number> {
  const { metrics } = await page.send<{ metrics: Array<{ name: string; value: number }> }>('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
}

async function waitAllDone(page: Page, timeout: number): Promise<void> {
  // the final render's cost counts too
  await page.waitFor(ALL_FINAL, timeout, 500);
}
