// Reasoning and answer told apart in the corners real servers hit: a lone </think> under a neutral name, reasoning with no answer.
import { expect, metric, openApp, panels, send, test } from './fixtures.ts';

test('a Thinking model served as `qwen` by a server without a reasoning parser: the lone </think> splits reasoning from answer, live and reopened', async ({ page, sim }) => {
  // only `</think>` in the content, as Qwen3-2507 Thinking writes it when the template opened the block
  await openApp(page, [{ model: 'qwen', endpoint: `${sim.url}/raw,think=close-only,served=qwen,tps=60,reasoning=60,answer=60/v1`, server: 'raw' }]);
  await send(page, 'Compare the two Qwen3-Next models');
  const panel = panels(page).first();
  const answer = panel.getByTestId('answer');
  const reasoning = panel.getByTestId('reasoning');

  // nothing says it is reasoning until the tag comes: it streams as the answer
  await expect(answer).toContainText('The user asks: "Compare the two Qwen3-Next models"');
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done', { timeout: 15_000 });

  // then the trace is reasoning, the answer is the answer, and the tag shows nowhere
  await expect(reasoning).toHaveText(/^The user asks: "Compare the two Qwen3-Next models"/);
  await expect(reasoning).not.toContainText('think>');
  await expect(answer.getByRole('heading', { level: 2 })).toHaveText('Qwen3-Next-80B-A3B in brief');
  await expect(answer).not.toContainText('The user asks');
  await expect(answer).not.toContainText('think>');
  const ttft = await metric(panel, 'ttft');
  const ttfa = await metric(panel, 'ttfa');
  expect(ttft).toBeGreaterThan(0);
  expect(ttfa).toBeGreaterThan(ttft + 500); // 60 reasoning tokens at 60 tokens/s before the first answer token
  const shown = { answer: await answer.innerText(), reasoning: await reasoning.textContent() };

  // reopened from history, the saved events replay into the same split and the same numbers
  await page.reload();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(answer).toHaveAttribute('data-final', 'true');
  expect(await answer.innerText()).toBe(shown.answer);
  expect(await reasoning.textContent()).toBe(shown.reasoning);
  expect(await metric(panel, 'ttfa')).toBe(ttfa);
});

test('reasoning and no answer from a model that may think: the reasoning stays, the empty answer says why, no answer times', async ({ page, sim }) => {
  await openApp(page, [{ model: 'qwen', endpoint: `${sim.url}/vllm,noanswer=1,served=qwen/v1`, server: 'vllm' }]);
  await send(page, 'Why is Qwen3-Next fast?');
  const panel = panels(page).first();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(panel.getByTestId('reasoning')).toHaveText(/^The user asks: "Why is Qwen3-Next fast\?"/);
  await expect(panel.getByTestId('answer')).toHaveText('');
  await expect(panel.getByTestId('no-answer')).toHaveText(/^The model stopped before answering: .*finish reason “stop”/);
  await expect(panel.getByTestId('truncated')).toHaveCount(0);
  expect(await metric(panel, 'ttft')).toBeGreaterThan(0);
  await expect(panel.getByTestId('metric-ttfa')).toHaveAttribute('data-value', '');
  await expect(panel.getByTestId('metric-ttfa')).toHaveText('–');
  // the trace: it thought until the end, with no thinking time (there is no answer to count to)
  await page.getByRole('button', { name: 'Trace' }).click();
  const trace = page.getByTestId('trace');
  await expect(trace.getByRole('img', { name: /^qwen: waiting [\d.]+ s, thinking [\d.]+ s, done$/ })).toBeVisible();
  await expect(trace.getByTestId('metrics-table').getByRole('row', { name: /Thinking time/ }).getByRole('cell')).toHaveText('–');
});

test('the same stream with thinking off: the reasoning field held the answer, shown as the answer from its first token', async ({ page, sim }) => {
  await openApp(page, [{ model: 'qwen', endpoint: `${sim.url}/vllm,noanswer=1,served=qwen/v1`, server: 'vllm' }], { thinking: 'off' });
  await send(page, 'Why is Qwen3-Next fast?');
  const panel = panels(page).first();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(panel.getByTestId('answer').getByRole('heading', { level: 2 })).toHaveText('Qwen3-Next-80B-A3B in brief');
  await expect(panel.getByTestId('reasoning')).toHaveCount(0);
  await expect(panel.getByTestId('no-answer')).toHaveCount(0);
  await expect(panel.getByRole('note').filter({ hasText: 'sent the answer as reasoning' })).toHaveCount(1);
  expect(await metric(panel, 'ttfa')).toBe(await metric(panel, 'ttft'));
});
