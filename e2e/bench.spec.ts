// The Benchmark view: the deep link runs at load against the simulator, and agrees with the command line on the same scenario.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startSim, type SimServer } from './sim/server.ts';

const MODEL = 'Qwen/Qwen3-Next-80B-A3B-Instruct';
const TTFT = 300;
const TPS = 100;
let sim: SimServer;

test.beforeAll(async () => {
  sim = await startSim({ ttftMs: TTFT, tps: TPS, reasoningTokens: 0 });
});
test.afterAll(() => sim.close());

type Result = Record<string, number | string | null | object>;

async function pageResults(page: Page, query: string): Promise<Result[]> {
  await page.goto(`./?bench=1&${query}&run=1`);
  await expect(page.getByTestId('bench-view')).toBeVisible();
  const result = page.getByTestId('bench-result');
  await expect(result).toHaveAttribute('data-json', /results/, { timeout: 90_000 });
  return (JSON.parse((await result.getAttribute('data-json'))!) as { results: Result[] }).results;
}

/** Runs the command line; its results and the file it saved them to. */
function cli(args: string[]): Promise<{ results: Result[]; file: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-')), 'out.json');
  return new Promise((resolve, reject) =>
    execFile('npx', ['tsx', 'scripts/bench.ts', ...args, '--save-result', file], { timeout: 90_000 }, (err, _stdout, stderr) =>
      err ? reject(new Error(stderr)) : resolve({ results: (JSON.parse(readFileSync(file, 'utf8')) as { results: Result[] }).results, file }),
    ),
  );
}

test('the deep link runs at load, holds 6 requests per host, and shows the JSON only when it ends', async ({ page }) => {
  test.setTimeout(120_000);
  const base = `${sim.url}/v1`;
  await page.goto(`./?bench=1&base-url=${encodeURIComponent(base)}&model=${MODEL}&concurrency=1,8&input-len=64&output-len=20&num-prompts=8&warmup=6&run=1`);
  await expect(page.getByTestId('bench-view')).toBeVisible();
  // while it runs there is progress and no result
  await expect(page.locator('.bench-progress progress')).toBeVisible();
  await expect(page.getByTestId('bench-result')).toHaveCount(0);
  await expect(page.getByTestId('bench-limit')).toContainText('at most 6 HTTP/1.1 connections');
  const result = page.getByTestId('bench-result');
  await expect(result).toHaveAttribute('data-json', /results/, { timeout: 90_000 });
  const { results } = JSON.parse((await result.getAttribute('data-json'))!) as { results: Result[] };
  expect(results).toHaveLength(2);
  const [one, eight] = results;
  expect(one).toMatchObject({ base_url: base, model_id: MODEL, max_concurrency: 1, num_prompts: 8, completed: 8, failed: 0, total_input_tokens: 512, total_output_tokens: 160, achieved_concurrency: 1, output_len_mismatches: 0 });
  // 8 asked, 6 really open: the other two waited in the page (that the wait stays out of TTFT is a unit test)
  expect(eight).toMatchObject({ max_concurrency: 8, completed: 8, achieved_concurrency: 6 });
  expect(eight!.mean_client_queue_ms as number).toBeGreaterThan(100);
  await expect(page.getByText(/\/tokenize agrees: the first prompt is 64 tokens/)).toBeVisible();
  await expect(page.locator('.bench-table tbody tr')).toHaveCount(2);
  await expect(page.locator('.bench-chart canvas').first()).toBeVisible();
  // the server's view beside the client's, read on a connection the run left free
  expect((one!.server_metrics as { available: boolean; max_running: number }).available).toBe(true);
});

test('the command line and the page agree on the same scenario', async ({ page }) => {
  test.setTimeout(300_000);
  // warm-up opens as many connections as the run uses, so that neither side counts opening one
  const args = { 'base-url': `${sim.url}/v1`, model: MODEL, concurrency: '4', 'input-len': '100', 'output-len': '40', 'num-prompts': '8', warmup: '4' };
  const best = (r: Result) => Math.min(...(r.ttfts as number[])) * 1000;
  let fromCli: Result[] = [];
  let file = '';
  // The same timing within 10 %, measured again (up to three times) when a busy machine disturbed a run: here the
  // simulator, the command line and the browser's processes share two cores with other work, and a process that
  // waits for a core shifts or bunches a stream by tens to hundreds of ms. TTFT is compared at its best (the fastest
  // request), the per-token figures at their middle (ITL's median is not one: a chunk read in the same read as the
  // one before has a gap of 0; the mean is the span over the chunks, whatever the bunching). Against the truth,
  // both sides are within 3 %: src/lib/bench/sim.test.ts. Measured at a load of 11: fastest TTFT 304 / 305 ms,
  // median TPOT 10.05 / 10.01 ms, for 300 and 10 true.
  for (let attempt = 1; ; attempt++) {
    ({ results: fromCli, file } = await cli(Object.entries(args).flatMap(([k, v]) => [`--${k}`, v])));
    const fromPage = await pageResults(page, new URLSearchParams(args).toString());
    expect(fromPage).toHaveLength(1);
    const [c, p] = [fromCli[0]!, fromPage[0]!];
    expect(Object.keys(p).sort()).toEqual(Object.keys(c).sort());
    for (const key of ['completed', 'failed', 'total_input_tokens', 'total_output_tokens', 'achieved_concurrency', 'max_concurrency', 'output_len_mismatches', 'input_lens', 'output_lens'])
      expect(p[key], key).toEqual(c[key]);
    const pairs: Array<[string, number, number]> = [['fastest TTFT', best(p), best(c)], ...['median_tpot_ms', 'mean_itl_ms'].map((k): [string, number, number] => [k, p[k] as number, c[k] as number])];
    console.log(`page vs command line: ${pairs.map(([k, a, b]) => `${k} ${a.toFixed(2)} / ${b.toFixed(2)}`).join(', ')}`);
    const off = pairs.filter(([, a, b]) => !(a / b > 0.9 && a / b < 1.1));
    if (off.length === 0) break;
    if (attempt === 3) throw new Error(`page and command line differ by more than 10 %: ${off.map(([k, a, b]) => `${k} ${a} vs ${b}`).join(', ')}`);
  }

  // the page opens the command line's JSON: its table, and the same JSON back
  await page.getByLabel('Open JSON').setInputFiles(file);
  await expect(page.locator('.bench-table tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('bench-result')).toHaveAttribute('data-json', JSON.stringify({ results: fromCli }, null, 2));
});

test('the page runs the multi-turn agent workload from its link and shows the figures by turn', async ({ page }) => {
  test.setTimeout(120_000);
  const q = new URLSearchParams({ 'base-url': `${sim.url}/v1`, model: MODEL, workload: 'multi-turn', turns: '3', 'tool-result-len': '30', 'prefix-len': '0', concurrency: '2', 'input-len': '20', 'output-len': '8', 'num-prompts': '2', warmup: '0' });
  const [r] = await pageResults(page, q.toString());
  expect(r).toMatchObject({ workload: 'multi-turn', turns: 3, tool_result_len: 30, completed: 6, failed: 0, completed_conversations: 2 });
  const turns = r!.per_turn as Array<{ turn: number; mean_input_len: number; mean_prompt_tokens: number }>;
  // exact lengths: 20, then + 8 answer + 30 tool result + 20 per turn
  expect(turns.map((t) => [t.turn, t.mean_input_len])).toEqual([[1, 20], [2, 78], [3, 136]]);
  expect(turns[2]!.mean_prompt_tokens).toBeGreaterThan(turns[1]!.mean_prompt_tokens);
  await expect(page.locator('label', { hasText: /^Workload/ }).locator('select')).toHaveValue('multi-turn');
  await expect(page.getByLabel(/Turns per conversation/)).toHaveValue('3');
  await expect(page.getByTestId('bench-turns').locator('tbody tr')).toHaveCount(3);
});
