// `npm run bench`: throughput and latency of one or more endpoints under concurrency, printed like vLLM's and saved as JSON.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseEndpoints, parseWorkload, type ParamSource } from '../src/lib/bench/params.ts';
import { buildPrompts, checkPrompts, qwen3Tokenizer } from '../src/lib/bench/prompts.ts';
import { comparisonTable, resultBlock, turnTable } from '../src/lib/bench/report.ts';
import { checkTokenize } from '../src/lib/bench/server-check.ts';
import { runSweep, type SweepProgress } from '../src/lib/bench/sweep.ts';
import type { BenchResult } from '../src/lib/bench/aggregate.ts';

const USAGE = `Usage: npm run bench -- --base-url URL --model M [options]

  --base-url URL          an OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1
  --model M               the model id it serves
  --endpoint URL[,model=M][,server=S][,label=L]
                          one more endpoint (repeat it); sweep points run on each in turn
  --api-key K             or the BENCH_API_KEY environment variable (kept out of the JSON)
  --server S              vllm (default), sglang, nim, llamacpp, ollama, openai: decides ignore_eos/min_tokens
  --concurrency 1,16,32   requests open at once, one sweep point per value
  --request-rate R        requests per second (Poisson or gamma arrivals); inf or absent: as fast as allowed
  --burstiness B          gamma shape: 1 Poisson, < 1 burstier   --ramp-up S  seconds to climb to the rate
  --input-len 8192  --output-len 1024  --range-ratio 0.0  --num-prompts N (default 2 × the largest concurrency)
  --workload random|shared-prefix|multi-turn  --prefix-len 8192 (shared system prompt; 0: none, multi-turn only)
  --turns 4  --tool-result-len 512   multi-turn: requests per conversation (--num-prompts counts conversations),
                          each resending the conversation so far with a tool result of that many tokens between turns
  --api chat|completions
  --warmup 1              uncounted requests per endpoint first, sent together
  --goodput ttft:ms,tpot:ms,e2el:ms   --percentiles 50,90,99   --seed 0
  --save-result out.json  the results, in vLLM's --save-result key names

Exit status: 0 when the run completed, whatever the figures; 1 when it could not run (bad flags, no
request completed anywhere).`;

const flags = [
  ['base-url', 'string'], ['model', 'string'], ['endpoint', 'multi'], ['api-key', 'string'], ['server', 'string'],
  ['concurrency', 'string'], ['request-rate', 'string'], ['burstiness', 'string'], ['ramp-up', 'string'],
  ['input-len', 'string'], ['output-len', 'string'], ['range-ratio', 'string'], ['num-prompts', 'string'],
  ['workload', 'string'], ['prefix-len', 'string'], ['turns', 'string'], ['tool-result-len', 'string'], ['api', 'string'], ['warmup', 'string'], ['goodput', 'string'],
  ['percentiles', 'string'], ['seed', 'string'], ['save-result', 'string'], ['help', 'boolean'],
] as const;

function fail(message: string): never {
  console.error(`bench: ${message}\n\nnpm run bench -- --help lists the options.`);
  process.exit(1);
}

let values: Record<string, string | string[] | boolean | undefined>;
try {
  values = parseArgs({
    options: Object.fromEntries(flags.map(([name, type]) => [name, type === 'multi' ? { type: 'string', multiple: true } : { type }])),
    strict: true,
  }).values as typeof values;
} catch (err) {
  fail((err as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const src: ParamSource = {
  get: (name) => (typeof values[name] === 'string' ? (values[name] as string) : null),
  all: (name) => (Array.isArray(values[name]) ? (values[name] as string[]) : []),
};

let workload: ReturnType<typeof parseWorkload>;
let endpoints: ReturnType<typeof parseEndpoints>;
try {
  workload = parseWorkload(src);
  endpoints = parseEndpoints(src, src.get('api-key') ?? process.env.BENCH_API_KEY ?? undefined);
} catch (err) {
  fail((err as Error).message);
}

const tty = process.stderr.isTTY;
let lastLine = '';
function progress(p: SweepProgress): void {
  const width = 30;
  const filled = Math.round((p.done / p.total) * width);
  const what = p.phase === 'prompts' ? 'building prompts' : p.phase === 'warmup' ? 'warming up' : `${p.done}/${p.total}${p.failed ? ` (${p.failed} failed)` : ''}`;
  const text = `[${'#'.repeat(p.phase === 'running' ? filled : 0).padEnd(width, '.')}] point ${Math.min(p.pointsDone + 1, p.points)}/${p.points}  concurrency ${Number.isFinite(p.concurrency) ? p.concurrency : '–'}  ${p.endpoint.label}  ${what}`;
  if (tty) process.stderr.write(`\r${text.slice(0, process.stderr.columns - 1 || 120).padEnd(Math.min(lastLine.length, (process.stderr.columns || 120) - 1))}`);
  else if (p.phase !== 'running' || p.done === p.total) process.stderr.write(`${text}\n`);
  lastLine = text;
}

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write('\nStopping: the requests open now are cancelled; results so far are kept. Ctrl+C again quits.\n');
  controller.abort();
});

const tok = await qwen3Tokenizer().catch((err: unknown) => fail(`could not load Qwen3's tokenizer: ${(err as Error).message}`));
let firstChecked = false;
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
const results: BenchResult[] = [];
let cpuAtPoint = process.cpuUsage();
let wallAtPoint = performance.now();

await runSweep({
  endpoints,
  workload,
  signal: controller.signal,
  onProgress: progress,
  prompts: async (seed) => {
    const prompts = await buildPrompts(workload, seed, tok);
    const off = checkPrompts(prompts, tok);
    if (off.length) fail(`some prompts are not their asked-for length: ${off.slice(0, 3).join('; ')}`);
    if (!firstChecked) {
      firstChecked = true;
      const first = prompts[0]!;
      for (const e of endpoints) {
        const check = await checkTokenize(e.baseURL, e.model, first.messages.map((m) => m.content).join(''), first.inputLen, e.apiKey);
        process.stderr.write(`${e.label}: ${check.message}\n`);
      }
    }
    return prompts;
  },
  onResult: (r) => {
    results.push(r);
    const cpu = process.cpuUsage(cpuAtPoint);
    const wall = performance.now() - wallAtPoint;
    cpuAtPoint = process.cpuUsage();
    wallAtPoint = performance.now();
    if (tty) process.stderr.write('\n');
    console.log(`\n${resultBlock(r, workload.percentiles)}`);
    console.log(`Client CPU during this point: ${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(1)}% of one core`);
  },
});

const cpu = process.cpuUsage(cpuStart);
const wall = performance.now() - wallStart;
if (results.length) console.log(`\n${comparisonTable(results)}`);
const byTurn = turnTable(results);
if (byTurn) console.log(`\nBy turn (multi-turn: each turn resends the conversation so far):\n${byTurn}`);
console.log(`\nClient CPU: ${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(1)}% of one core over ${(wall / 1000).toFixed(1)} s (Node, this process).`);
const mismatches = results.reduce((n, r) => n + r.output_len_mismatches, 0);
if (mismatches) console.log(`Output length: ${mismatches} request(s) got another length than asked; see "mismatch" (the server may not take ignore_eos; try --server).`);

const save = src.get('save-result');
if (save) {
  writeFileSync(save, JSON.stringify({ results }, null, 2));
  console.log(`Saved ${results.length} result(s) to ${save}.`);
}
if (!results.some((r) => r.completed > 0)) {
  const why = results.flatMap((r) => r.errors).slice(0, 3).join(' | ');
  fail(`no request completed${why ? `: ${why}` : ''}.`);
}
process.exit(0);
