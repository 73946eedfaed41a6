// The benchmark's settings by name, read the same way from command-line flags and from the page's URL.
import { BENCH_SERVERS, DEFAULT_WORKLOAD, type BenchEndpoint, type BenchServer, type Workload } from './types.ts';

/** Reads one named setting (the last given), and every value of a repeated one. */
export interface ParamSource {
  get(name: string): string | null;
  all(name: string): string[];
}

function numberList(name: string, value: string, integer: boolean): number[] {
  const out = value.split(',').map((v) => v.trim()).filter(Boolean).map(Number);
  if (!out.length || out.some((n) => !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))))
    throw new Error(`--${name} needs ${integer ? 'whole numbers' : 'numbers'} above 0, separated by commas (got "${value}").`);
  return out;
}

function one(src: ParamSource, name: string, integer: boolean, min = 0): number | undefined {
  const v = src.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new Error(`--${name} needs a ${integer ? 'whole number' : 'number'} of at least ${min} (got "${v}").`);
  return n;
}

/** `ttft:500,tpot:50,e2el:10000` → SLOs in ms. */
export function parseGoodput(value: string): Workload['goodput'] {
  const out: Workload['goodput'] = {};
  for (const part of value.split(',').filter(Boolean)) {
    const [key, ms] = part.split(':');
    const n = Number(ms);
    if ((key !== 'ttft' && key !== 'tpot' && key !== 'e2el') || !(n > 0)) throw new Error(`--goodput takes ttft:ms,tpot:ms,e2el:ms (got "${part}").`);
    out[key] = n;
  }
  return out;
}

export function parseWorkload(src: ParamSource): Workload {
  const w: Workload = { ...DEFAULT_WORKLOAD, goodput: {} };
  const concurrency = src.get('concurrency');
  const rate = one(src, 'request-rate', false);
  if (concurrency !== null) w.concurrency = numberList('concurrency', concurrency, true);
  else if (rate !== undefined) w.concurrency = [Infinity];
  if (rate !== undefined) w.requestRate = rate > 0 ? rate : Infinity;
  w.burstiness = one(src, 'burstiness', false) ?? w.burstiness;
  if (!(w.burstiness > 0)) throw new Error('--burstiness needs a number above 0 (1 is a Poisson process).');
  w.rampUpS = one(src, 'ramp-up', false) ?? w.rampUpS;
  w.inputLen = one(src, 'input-len', true, 1) ?? w.inputLen;
  w.outputLen = one(src, 'output-len', true, 1) ?? w.outputLen;
  w.rangeRatio = one(src, 'range-ratio', false) ?? w.rangeRatio;
  if (w.rangeRatio >= 1) throw new Error('--range-ratio must be below 1.');
  w.numPrompts = one(src, 'num-prompts', true, 1) ?? Math.max(...w.concurrency.filter(Number.isFinite), 1) * 2;
  w.warmup = one(src, 'warmup', true) ?? w.warmup;
  w.prefixLen = one(src, 'prefix-len', true) ?? w.prefixLen;
  w.turns = one(src, 'turns', true, 1) ?? w.turns;
  w.toolResultLen = one(src, 'tool-result-len', true, 1) ?? w.toolResultLen;
  w.seed = one(src, 'seed', true) ?? w.seed;
  const kind = src.get('workload');
  if (kind !== null && kind !== 'random' && kind !== 'shared-prefix' && kind !== 'multi-turn') throw new Error(`--workload is random, shared-prefix or multi-turn (got "${kind}").`);
  if (kind) w.kind = kind;
  // multi-turn conversations may go without a system prompt; a shared prefix of nothing shares nothing
  if (w.kind === 'shared-prefix' && w.prefixLen < 1) throw new Error('--prefix-len needs at least 1 token for the shared-prefix workload.');
  const api = src.get('api');
  if (api !== null && api !== 'chat' && api !== 'completions') throw new Error(`--api is chat or completions (got "${api}").`);
  if (api) w.api = api;
  const goodput = src.get('goodput');
  if (goodput) w.goodput = parseGoodput(goodput);
  const percentiles = src.get('percentiles');
  if (percentiles) w.percentiles = numberList('percentiles', percentiles, false).filter((p) => p <= 100);
  return w;
}

function server(value: string | null, fallback: BenchServer): BenchServer {
  if (value === null) return fallback;
  if (!(BENCH_SERVERS as readonly string[]).includes(value)) throw new Error(`--server is one of ${BENCH_SERVERS.join(', ')} (got "${value}").`);
  return value as BenchServer;
}

function checkUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new Error(`"${url}" is not an http(s) address; give the base URL, e.g. http://127.0.0.1:8000/v1.`);
  }
  return url.replace(/\/+$/, '');
}

/**
 * `--base-url` and `--model` name one endpoint; each `--endpoint URL[,model=M][,server=S][,label=L]` adds
 * one more (model and server default to --model and --server). Keys come from `apiKey(i)`, never a URL.
 */
export function parseEndpoints(src: ParamSource, apiKey?: string): BenchEndpoint[] {
  const model = src.get('model');
  const defaultServer = server(src.get('server'), 'vllm');
  const out: BenchEndpoint[] = [];
  const base = src.get('base-url');
  if (base !== null) {
    if (!model) throw new Error('--model is needed with --base-url (the model id the server serves).');
    out.push({ baseURL: checkUrl(base), model, server: defaultServer, apiKey });
  }
  for (const spec of src.all('endpoint')) {
    const [url, ...rest] = spec.split(',');
    const kv = Object.fromEntries(rest.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
    const m = kv.model ?? model;
    if (!m) throw new Error(`--endpoint ${url} needs a model: add ,model=NAME or give --model.`);
    out.push({ baseURL: checkUrl(url!), model: m, server: server(kv.server ?? null, defaultServer), apiKey, ...(kv.label ? { label: kv.label } : {}) });
  }
  if (!out.length) throw new Error('Give an endpoint: --base-url URL --model M, or --endpoint URL,model=M (repeat it to compare several).');
  // the same URL and model twice would share one label in tables and charts
  const labels = new Set<string>();
  for (const e of out) {
    e.label ??= `${e.model} @ ${e.baseURL}`;
    if (labels.has(e.label)) e.label = `${e.label} #${out.indexOf(e) + 1}`;
    labels.add(e.label);
  }
  return out;
}
