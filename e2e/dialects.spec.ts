// Every server dialect through the whole app: reasoning apart, the answer rendered, the server's numbers shown.
import { expect, metric, openApp, panels, send, test } from './fixtures.ts';

const CASES = [
  { server: 'vllm', model: 'Qwen/Qwen3-Next-80B-A3B-Thinking' },
  { server: 'vllm-0.11', model: 'Qwen/Qwen3-8B' },
  { server: 'sglang', model: 'Qwen/Qwen3-Next-80B-A3B-Thinking' },
  { server: 'nim', model: 'qwen/qwen3-next-80b-a3b-thinking' },
  { server: 'llamacpp', model: 'Qwen3-Next-80B-A3B-Thinking-Q4_K_M.gguf' },
  { server: 'ollama', model: 'qwen3-next:80b' },
  { server: 'raw', model: 'Qwen/Qwen3-Next-80B-A3B-Thinking' }, // only `</think>` in the text
  { server: 'raw', model: 'Qwen/Qwen3-8B' }, // `<think>…</think>` in the text
];

for (const c of CASES) {
  test(`${c.server} · ${c.model}: thinking and answer apart, server token count`, async ({ page, sim }) => {
    await openApp(page, [{ model: c.model, endpoint: `${sim.url}/${c.server},reasoning=30,answer=80/v1`, server: c.server }]);
    await send(page, 'Compare the two Qwen3-Next models');
    const panel = panels(page).first();
    await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
    await expect(panel.getByTestId('reasoning')).toHaveText(/^The user asks: "Compare the two Qwen3-Next models"/);
    const answer = panel.getByTestId('answer');
    await expect(answer.getByRole('heading', { level: 2 })).toHaveText('Qwen3-Next-80B-A3B in brief');
    await expect(answer).not.toContainText('think>');
    await expect(answer).not.toContainText('The user asks');
    expect(await metric(panel, 'tokens')).toBe(110);
    await expect(panel.getByTestId('metric-tokens')).toHaveAttribute('data-source', 'server');
    // under load several chunks can arrive in one network read, so the two can be equal, never inverted
    expect(await metric(panel, 'ttfa')).toBeGreaterThanOrEqual(await metric(panel, 'ttft'));
  });
}

test('three dialects side by side, one failing: the others finish', async ({ page, sim }) => {
  await openApp(page, [
    { model: 'Qwen/Qwen3-Next-80B-A3B-Thinking', endpoint: `${sim.url}/vllm/v1`, server: 'vllm' },
    { model: 'Qwen/Qwen3-Next-80B-A3B-Instruct', endpoint: `${sim.url}/sglang,fault=500/v1`, server: 'sglang' },
    { model: 'Qwen3-Next-80B-A3B-Thinking-Q4_K_M.gguf', endpoint: `${sim.url}/llamacpp/v1`, server: 'llamacpp' },
  ]);
  await send(page, 'Hello');
  const all = panels(page);
  await expect(all).toHaveCount(3);
  await expect(all.nth(1).getByTestId('status')).toHaveAttribute('data-state', 'error');
  await expect(all.nth(1).getByTestId('error')).toContainText('failed (HTTP 500)');
  await expect(all.nth(0).getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(all.nth(2).getByTestId('status')).toHaveAttribute('data-state', 'done');
});

test('parallel tool calls show whole, with names and arguments', async ({ page, sim }) => {
  // the app offers no tools yet, so the simulator gets them through its header-free path: a raw text tool call
  await openApp(page, [{ model: 'Qwen/Qwen3-8B', endpoint: `${sim.url}/raw,echo=1/v1`, server: 'raw' }], { thinking: 'off' });
  await send(page, 'Checking.\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>');
  const panel = panels(page).first();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  const call = panel.getByTestId('tool-call');
  await expect(call).toHaveCount(1);
  await expect(call).toHaveAttribute('data-name', 'get_weather');
  await expect(call).toHaveText('{"city":"Paris"}');
  await expect(panel.getByTestId('answer')).toHaveText('Checking.');
});
