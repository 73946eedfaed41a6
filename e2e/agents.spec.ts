// Agent mode end to end: the deep link, tool loops against each server dialect, the step limit, what a person sees.
import { expect, openApp, panels, test } from './fixtures.ts';

const THINKING = 'Qwen/Qwen3-Next-80B-A3B-Thinking';

test('&tools= and &send=1: each dialect calls the calculator, gets 42 back by id, and answers', async ({ page, sim }) => {
  await openApp(
    page,
    [
      { model: THINKING, endpoint: `${sim.url}/vllm/v1`, server: 'vllm' }, // arguments in streamed fragments
      { model: THINKING, endpoint: `${sim.url}/sglang/v1`, server: 'sglang' }, // null ids and names on every fragment
      { model: 'qwen3-next:80b', endpoint: `${sim.url}/ollama/v1`, server: 'ollama' }, // the whole call in one delta
      { model: 'Qwen/Qwen3-8B', endpoint: `${sim.url}/raw/v1`, server: 'raw' }, // no tool parser: <tool_call> text
    ],
    { tools: 'calculator', prompt: 'What is 6*7?', send: '1' },
  );
  for (const panel of await panels(page).all()) {
    await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
    const step = panel.getByTestId('tool-step');
    await expect(step).toHaveCount(1);
    await expect(step).toHaveAttribute('data-name', 'calculator');
    await expect(step).toHaveAttribute('data-state', 'done');
    await expect(step.getByTestId('tool-args')).toContainText('"expression": "6*7"');
    await expect(step.getByTestId('tool-result')).toHaveText('42');
    // one answer per model call; the simulator refuses a request whose tool messages do not answer its calls
    await expect(panel.getByTestId('answer')).toHaveCount(2);
    await expect(panel.getByTestId('answer').last()).toContainText('Here is what the tool returned: 42');
    await expect(panel.getByTestId('step-limit')).toHaveCount(0);
  }
  // the server without a tool parser: its calls were read from the text, and the missing flag is named once
  const raw = panels(page).nth(3);
  await expect(raw.getByRole('note').filter({ hasText: '<tool_call>' })).toHaveCount(1);
  await expect(raw.getByRole('note').filter({ hasText: '<tool_call>' })).toContainText('--enable-auto-tool-choice --tool-call-parser hermes');
  await expect(raw.getByTestId('answer').first()).not.toContainText('tool_call');
  await expect(panels(page).first().getByRole('note').filter({ hasText: '<tool_call>' })).toHaveCount(0);
});

test('parallel calls in one turn run together and all go back; the step limit ends a loop that goes on', async ({ page, sim }) => {
  await openApp(
    page,
    [
      { model: THINKING, endpoint: `${sim.url}/vllm,tools=2,use=each/v1`, server: 'vllm' },
      { model: THINKING, endpoint: `${sim.url}/sglang,rounds=5/v1`, server: 'sglang' },
    ],
    { tools: 'calculator,current_time', steps: '3', prompt: 'Add 2+3, and say when', send: '1' },
  );
  const [parallel, looping] = await panels(page).all();
  await expect(parallel!.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(parallel!.getByTestId('tool-step')).toHaveCount(2);
  await expect(parallel!.getByTestId('tool-step').nth(0)).toHaveAttribute('data-name', 'calculator');
  await expect(parallel!.getByTestId('tool-step').nth(1)).toHaveAttribute('data-name', 'current_time');
  await expect(parallel!.getByTestId('answer').last()).toContainText(/returned: 5; .*time zone/);

  await expect(looping!.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(looping!.getByTestId('step-limit')).toContainText('3 model calls');
  await expect(looping!.getByTestId('answer')).toHaveCount(3);
  await expect(looping!.getByTestId('tool-step')).toHaveCount(2);
});

test('agent mode is switched on beside the composer; a turn without it sends no tools', async ({ page, sim }) => {
  await openApp(page, [{ model: THINKING, endpoint: `${sim.url}/vllm/v1`, server: 'vllm' }]);
  const panel = panels(page).first();
  await page.getByTestId('prompt').fill('What is 6*7?');
  await page.getByTestId('prompt').press('Enter');
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(panel.getByTestId('tool-step')).toHaveCount(0);
  await page.getByTestId('agent-toggle').check();
  await page.getByTestId('tool-javascript').uncheck();
  await page.getByTestId('tool-current_time').uncheck();
  await page.getByTestId('prompt').fill('And 6*8?');
  await page.getByTestId('prompt').press('Enter');
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(panel.getByTestId('tool-step')).toHaveAttribute('data-state', 'done');
  await expect(panel.getByTestId('tool-result')).toHaveText('48');
});

test('the steps and their totals are saved: a reload replays every call and tool from history', async ({ page, sim }) => {
  await openApp(page, [{ model: THINKING, endpoint: `${sim.url}/vllm,rounds=2/v1`, server: 'vllm' }], { tools: 'calculator', prompt: 'What is 6*7?', send: '1' });
  const panel = panels(page).first();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(panel.getByTestId('tool-step')).toHaveCount(2);
  const totals = panel.getByTestId('agent-totals');
  await expect(totals).toContainText('3 model calls · 2 tool calls');
  await expect(totals).toContainText(/tokens in · \d+ tokens out · model \d+\.\d\d s · tools \d+\.\d\d s · wall \d+\.\d\d s/);
  const live = await totals.textContent();
  // the trace's numbers have the agent's rows, and its timeline a tools segment
  if (!(await page.getByTestId('trace').isVisible())) await page.getByRole('button', { name: 'Trace' }).click();
  await expect(page.getByTestId('timeline').locator('.tl-tool')).toHaveCount(3); // two on the bar, one in the legend
  await expect(page.getByTestId('trace-steps').getByText(/calculator · done · \d+\.\d\d s/)).toHaveCount(2);
  await expect(page.getByTestId('metrics-table').getByRole('row', { name: /Agent steps/ })).toContainText('3 / 2');
  await page.reload();
  const again = panels(page).first();
  await expect(again.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(again.getByTestId('answer')).toHaveCount(3);
  await expect(again.getByTestId('tool-step')).toHaveCount(2);
  await expect(again.getByTestId('tool-step').first()).toHaveAttribute('data-state', 'done');
  await expect(again.getByTestId('tool-result').first()).toHaveText('42');
  await expect(again.getByTestId('answer').last()).toContainText('Here is what the tool returned: 42');
  // the same numbers as live, from the saved event times
  await expect(again.getByTestId('agent-totals')).toHaveText(live!);
});

test('ask before each call: the call waits with its name and arguments; run it or refuse it', async ({ page, sim }) => {
  await openApp(page, [{ model: THINKING, endpoint: `${sim.url}/vllm,tools=2,use=each/v1`, server: 'vllm' }]);
  await page.getByTestId('agent-toggle').check();
  await page.getByTestId('tool-javascript').uncheck();
  await page.getByTestId('approval-toggle').check();
  await page.getByTestId('prompt').fill('What is 6*7, and when?');
  await page.getByTestId('prompt').press('Enter');
  const panel = panels(page).first();
  const [calc, clock] = [panel.getByTestId('tool-step').nth(0), panel.getByTestId('tool-step').nth(1)];
  await expect(calc).toHaveAttribute('data-state', 'asking');
  await expect(clock).toHaveAttribute('data-state', 'asking');
  await expect(calc.getByTestId('tool-args')).toContainText('"expression": "6*7"');
  await expect(panel.getByTestId('status')).not.toHaveAttribute('data-state', 'done');
  await calc.getByTestId('tool-approve').click();
  await expect(calc).toHaveAttribute('data-state', 'done');
  await expect(clock).toHaveAttribute('data-state', 'asking');
  await clock.getByTestId('tool-refuse').click();
  await expect(clock).toHaveAttribute('data-state', 'refused');
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(panel.getByTestId('answer').last()).toContainText('returned: 42; The person declined');
});

test("one panel's failing tool does not stop another: the error goes back to its model, and both loops end", async ({ page, sim }) => {
  await openApp(
    page,
    [
      { model: THINKING, endpoint: `${sim.url}/vllm,use=javascript/v1`, server: 'vllm' },
      { model: THINKING, endpoint: `${sim.url}/sglang,use=calculator/v1`, server: 'sglang' },
    ],
    { tools: 'calculator,javascript', prompt: 'Compute 2+2 with:\n```js\nthrow new Error("boom")\n```', send: '1' },
  );
  const [failing, fine] = await panels(page).all();
  await expect(failing!.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(failing!.getByTestId('tool-step')).toHaveAttribute('data-state', 'error');
  await expect(failing!.getByTestId('tool-result')).toHaveText('Uncaught Error: boom');
  await expect(failing!.getByTestId('answer').last()).toContainText('Error: boom');
  await expect(fine!.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(fine!.getByTestId('tool-result')).toHaveText('4');
});

test('a later turn, after a reload too, carries the earlier turn’s tool calls and results by id', async ({ page, sim }) => {
  await openApp(page, [{ model: THINKING, endpoint: `${sim.url}/vllm/v1`, server: 'vllm' }], { tools: 'calculator', prompt: 'What is 6*7?', send: '1' });
  const panel = panels(page).first();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(panel.getByTestId('tool-result')).toHaveText('42');
  await page.reload();
  await expect(panels(page).first().getByTestId('tool-step')).toHaveCount(1);
  if (!(await page.getByTestId('agent-toggle').isChecked())) await page.getByTestId('agent-toggle').check();
  await page.getByTestId('tool-javascript').uncheck();
  await page.getByTestId('tool-current_time').uncheck();
  const bodies: Array<{ messages: Array<Record<string, unknown>> }> = [];
  page.on('request', (r) => r.url().endsWith('/chat/completions') && bodies.push(r.postDataJSON()));
  await page.getByTestId('prompt').fill('And 6*8?');
  await page.getByTestId('prompt').press('Enter');
  const again = panels(page).first();
  await expect(again.getByTestId('tool-result')).toHaveText([/^42\s*$/, /^48\s*$/]);
  await expect(again.getByTestId('answer').last()).toContainText('Here is what the tool returned: 48');
  const [first] = bodies;
  const call = first!.messages[1]!;
  expect(call).toMatchObject({ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'calculator' } }] });
  const id = (call.tool_calls as Array<{ id: string }>)[0]!.id;
  expect(first!.messages[2]).toEqual({ role: 'tool', tool_call_id: id, content: '42' });
  expect(first!.messages[3]).toMatchObject({ role: 'assistant', content: expect.stringContaining('Here is what the tool returned: 42') });
  expect(first!.messages.slice(4)).toEqual([{ role: 'user', content: 'And 6*8?' }]);
});
