// A person chats with a simulated Qwen3-Next-80B-A3B-Thinking and sees its reasoning apart from its answer.
import { expect, metric, openApp, panels, send, test } from './fixtures.ts';

test('a thinking answer streams: reasoning first, folded once the answer starts, then the answer', async ({ page, sim }) => {
  await openApp(page, [{ model: 'Qwen/Qwen3-Next-80B-A3B-Thinking', endpoint: `${sim.url}/vllm,tps=100,reasoning=300/v1` }]);
  const panel = panels(page).first();
  await expect(panel).toHaveAttribute('data-model', 'Qwen/Qwen3-Next-80B-A3B-Thinking');
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'idle');

  await send(page, 'Why is Qwen3-Next fast?');
  const status = panel.getByTestId('status');
  await expect(status).toHaveAttribute('data-state', 'thinking');
  // while thinking, the live trace is open and the answer is empty
  await expect(page.getByRole('button', { name: /Thinking…/ })).toHaveAttribute('aria-expanded', 'true');
  await expect(panel.locator('.reasoning-text')).toContainText('The user asks: "Why is Qwen3-Next fast?"');
  await expect(panel.getByTestId('answer')).toHaveText('');

  await expect(status).toHaveAttribute('data-state', 'answering');
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 15_000 });

  // the answer is rendered markdown, and holds no reasoning
  const answer = panel.getByTestId('answer');
  await expect(answer.getByRole('heading', { name: 'Qwen3-Next-80B-A3B in brief' })).toBeVisible();
  await expect(answer.locator('table')).toBeVisible();
  await expect(answer.locator('pre code.language-python')).toContainText('def tokens_per_second');
  await expect(answer).not.toContainText('The user asks');

  // the reasoning folded itself away, and is still all there
  const head = panel.getByRole('button', { name: /Thought \d+\.\d s · ~?\d+ tokens$/ });
  await expect(head).toHaveAttribute('aria-expanded', 'false');
  await expect(panel.locator('.reasoning-text')).toHaveCount(0);
  await expect(panel.getByTestId('reasoning')).toContainText('The user asks: "Why is Qwen3-Next fast?"');
  await head.click();
  await expect(panel.locator('.reasoning-text')).toBeVisible();

  // numbers: the server's own token count, and a first answer after the first token
  expect(await metric(panel, 'tokens')).toBeGreaterThan(60);
  await expect(panel.getByTestId('metric-tokens')).toHaveAttribute('data-source', 'server');
  const ttft = await metric(panel, 'ttft');
  const ttfa = await metric(panel, 'ttfa');
  expect(ttft).toBeGreaterThan(0);
  expect(ttfa).toBeGreaterThan(ttft + 1500); // 300 reasoning tokens at 100 tokens/s
  expect(await metric(panel, 'tps')).toBeGreaterThan(40);
});
