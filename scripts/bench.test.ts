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

it('runs the multi-turn workload end to end: a table by turn, and per-turn figures in the JSON', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-')), 'out.json');
  const { code, stdout, stderr } = await bench([
    '--base-url', `${sim.url}/v1`, '--model', model, '--workload', 'multi-turn', '--turns', '3', '--tool-result-len', '25', '--prefix-len', '20',
    '--concurrency', '2', '--input-len', '15', '--output-len', '6', '--num-prompts', '2', '--warmup', '0', '--save-result', out,
  ]);
  expect(code, stderr).toBe(0);
  expect(stdout).toContain('By turn');
  expect(stdout).toMatch(/Conversations completed \(all turns\):\s+2 of 2 started, 3 turns, 25-token tool results/);
  const { results } = JSON.parse(readFileSync(out, 'utf8')) as { results: Array<Record<string, unknown>> };
  expect(results).toHaveLength(1);
  const r = results[0]!;
  expect(r).toMatchObject({ workload: 'multi-turn', turns: 3, tool_result_len: 25, completed: 6, failed: 0, completed_conversations: 2, output_len_mismatches: 0, achieved_concurrency: 2 });
  for (const key of ['mean_ttft_ms', 'p99_ttft_ms', 'total_input_tokens', 'output_throughput', 'mean_client_queue_ms']) expect(r).toHaveProperty(key);
  const turns = r.per_turn as Array<{ turn: number; completed: number; mean_ttft_ms: number; mean_prompt_tokens: number; mean_input_len: number }>;
  expect(turns.map((t) => [t.turn, t.completed])).toEqual([[1, 2], [2, 2], [3, 2]]);
  // exact lengths: 20 + 15, then + 6 answer + 25 tool result + 15 per turn
  expect(turns.map((t) => t.mean_input_len)).toEqual([35, 81, 127]);
  expect(turns[1]!.mean_prompt_tokens).toBeGreaterThan(turns[0]!.mean_prompt_tokens);
  expect(turns[2]!.mean_prompt_tokens).toBeGreaterThan(turns[1]!.mean_prompt_tokens);
  for (const t of turns) expect(t.mean_ttft_ms).toBeGreaterThan(0);
  expect(r.total_input_tokens).toBe(2 * (35 + 81 + 127));
}, 120_000);

