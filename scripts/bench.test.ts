// The command line: runs a sweep against the simulator, prints vLLM's table, saves the JSON, exits as documented.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSim, type SimServer } from '../e2e/sim/server.ts';

let sim: SimServer;
beforeAll(async () => {
  sim = await startSim({ ttftMs: 50, tps: 500, reasoningTokens: 0 });
});
afterAll(() => sim.close());

function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'scripts/bench.ts', ...args], { timeout: 90_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const model = 'Qwen/Qwen3-Next-80B-A3B-Instruct';

it('runs two endpoints interleaved, prints the table and the CPU share, and saves vLLM-named JSON', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-')), 'out.json');
  const { code, stdout, stderr } = await bench([
    '--base-url', `${sim.url}/v1`, '--model', model,
    '--endpoint', `${sim.url}/sglang/v1,server=sglang,label=second`,
    '--concurrency', '1,2', '--input-len', '40', '--output-len', '12', '--num-prompts', '2', '--save-result', out,
  ]);
  expect(code, stderr).toBe(0);
  expect(stdout).toContain('Serving Benchmark Result');
  expect(stdout).toMatch(/Client CPU: [\d.]+% of one core/);
  expect(stderr).toMatch(/\/tokenize agrees: the first prompt is 40 tokens/);
  const { results } = JSON.parse(readFileSync(out, 'utf8')) as { results: Array<Record<string, unknown>> };
  // a sweep point on each endpoint, then the next point
  expect(results.map((r) => [r.label, r.max_concurrency])).toEqual([
    [`${model} @ ${sim.url}/v1`, 1],
    ['second', 1],
    [`${model} @ ${sim.url}/v1`, 2],
    ['second', 2],
  ]);
  for (const r of results) {
    expect(r).toMatchObject({ completed: 2, failed: 0, total_input_tokens: 80, total_output_tokens: 24, output_len_mismatches: 0 });
    for (const key of ['base_url', 'model_id', 'request_rate', 'num_prompts', 'duration', 'request_throughput', 'output_throughput', 'total_token_throughput', 'mean_ttft_ms', 'median_ttft_ms', 'std_ttft_ms', 'p99_ttft_ms', 'mean_tpot_ms', 'p99_itl_ms', 'median_e2el_ms', 'achieved_concurrency', 'mean_client_queue_ms'])
      expect(r).toHaveProperty(key);
  }
  expect(JSON.stringify(results)).not.toContain('api_key');
}, 120_000);

it('exits 1 with a sentence when it cannot run', async () => {
  const bad = await bench(['--base-url', `${sim.url}/v1`, '--model', model, '--concurrency', 'lots']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/--concurrency needs whole numbers/);
  const none = await bench(['--base-url', 'http://127.0.0.1:9/v1', '--model', model, '--concurrency', '1', '--num-prompts', '1', '--input-len', '8', '--output-len', '4', '--warmup', '0']);
  expect(none.code).toBe(1);
  expect(none.stderr).toMatch(/no request completed/);
}, 120_000);
