// Every fault of the simulated server, as a person meets it: a sentence that says what to do, partial text kept.
import { expect, openApp, panels, send, test } from './fixtures.ts';

const THINKING = 'Qwen/Qwen3-Next-80B-A3B-Thinking';

const HTTP_FAULTS = [
  { fault: 'fault=401', message: /The API key is missing or wrong for 127\.0\.0\.1:\d+ \(HTTP 401\)/ },
  { fault: 'fault=403', message: /The API key is missing or wrong .*\(HTTP 403\)/ },
  { fault: 'fault=404', message: /does not know the model "Qwen\/Qwen3-Next-80B-A3B-Thinking", or the base URL is wrong \(HTTP 404\)/ },
  { fault: 'fault=429', message: /rate limiting requests \(HTTP 429\)\. Wait a moment, then retry\./ },
  { fault: 'fault=500', message: /failed \(HTTP 500\): CUDA error: an illegal memory access was encountered/ },
  { fault: 'fault=503', message: /failed \(HTTP 503\): The server is overloaded/ },
];

for (const { fault, message } of HTTP_FAULTS) {
  test(`${fault}: the error says what to do`, async ({ page, sim }) => {
    await openApp(page, [{ model: THINKING, endpoint: `${sim.url}/vllm,${fault}/v1` }]);
    await send(page, 'Hi');
    const panel = panels(page).first();
    await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'error');
    await expect(panel.getByTestId('error')).toHaveText(message);
    // the prompt is still on screen, the raw answer one click away
    await expect(panel.locator('.user-turn')).toHaveText('Hi');
    await panel.getByText('What the server said').click();
    await expect(panel.locator('.error pre')).toBeVisible();
  });
}

const STREAM_FAULTS = [
  { fault: 'fault=stream-error,after=60', state: 'error', message: /^The server failed while answering: CUDA out of memory/ },
  { fault: 'fault=drop,after=60', state: 'error', message: /^The connection broke while the answer was streaming\. The text so far is kept\.$/ },
  { fault: 'fault=truncate,after=60', state: 'error', message: /^The stream ended early/ },
];

for (const { fault, state, message } of STREAM_FAULTS) {
  test(`${fault}: the partial answer stays, with the reason`, async ({ page, sim }) => {
    await openApp(page, [{ model: THINKING, endpoint: `${sim.url}/vllm,reasoning=10,${fault}/v1` }]);
    await send(page, 'Hi');
    const panel = panels(page).first();
    await expect(panel.getByTestId('status')).toHaveAttribute('data-state', state);
    await expect(panel.getByTestId('error')).toHaveText(message);
    // a browser may drop chunks still queued in the body stream when the connection breaks, so only the start is certain
    await expect(panel.getByTestId('answer')).toContainText('Qwen3-Next-80B-A3B in brief');
    await expect(panel.getByTestId('reasoning')).not.toBeEmpty();
  });
}

test('a stream that ends early: the reason shows with the last words, not a frame before them', async ({ page, sim }) => {
  await openApp(page, [{ model: THINKING, endpoint: `${sim.url}/vllm,reasoning=10,fault=truncate,after=60/v1` }]);
  // the answer as it was on screen when the reason first appeared
  await page.evaluate(() => {
    const w = window as unknown as { answerAtError?: string };
    const observer = new MutationObserver(() => {
      const panel = document.querySelector('[data-testid="panel"]');
      if (!panel?.querySelector('[data-testid="error"]')) return;
      w.answerAtError = panel.querySelector('[data-testid="answer"]')?.textContent ?? '';
      observer.disconnect();
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await send(page, 'Hi');
  const panel = panels(page).first();
  await expect(panel.getByTestId('error')).toHaveText(/^The stream ended early/);
  await expect(panel.getByTestId('answer')).toHaveAttribute('data-final', 'true');
  // the final render may show a mark the live tail had closed (`**bold` for bold): compare the words
  const words = (text: string | null | undefined) => (text ?? '').replace(/[*_`~]/g, '').replace(/\s+/g, ' ').trim();
  const atError = await page.evaluate(() => (window as unknown as { answerAtError?: string }).answerAtError);
  expect(words(atError)).toBe(words(await panel.getByTestId('answer').textContent()));
});

test('a malformed chunk: skipped with a warning, the answer completes', async ({ page, sim }) => {
  await openApp(page, [{ model: THINKING, endpoint: `${sim.url}/vllm,fault=malformed,after=30/v1` }]);
  await send(page, 'Hi');
  const panel = panels(page).first();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(panel.getByRole('note').first()).toContainText('not valid JSON');
  await expect(panel.getByTestId('answer').locator('table')).toBeVisible();
});

test('a stalled server: given up after the stall timeout, text kept', async ({ page, sim }) => {
  await openApp(page, [{ model: THINKING, endpoint: `${sim.url}/vllm,reasoning=10,fault=stall,after=20/v1` }], { stall: '1' });
  await send(page, 'Hi');
  const panel = panels(page).first();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'error');
  await expect(panel.getByTestId('error')).toHaveText('The server sent nothing for 1 s, so the request was stopped. The text so far is kept.');
  await expect(panel.getByTestId('answer')).not.toBeEmpty();
});

test('CORS off: the app says the server answers but refuses this page', async ({ page, sim }) => {
  await openApp(page, [{ model: THINKING, endpoint: `${sim.url}/vllm,cors=off/v1` }]);
  await send(page, 'Hi');
  const panel = panels(page).first();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'error');
  await expect(panel.getByTestId('error')).toContainText('answers, but does not allow calls from this page (CORS)');
  await expect(panel.getByTestId('error')).toContainText('--allowed-origins');
});

test('strict CORS (only standard headers allowed): the stream still works', async ({ page, sim }) => {
  await openApp(page, [{ model: THINKING, endpoint: `${sim.url}/vllm,cors=strict/v1` }]);
  await send(page, 'Hi');
  await expect(panels(page).first().getByTestId('status')).toHaveAttribute('data-state', 'done');
});

test('a server that is down: a clear network error', async ({ page }) => {
  await openApp(page, [{ model: THINKING, endpoint: 'http://127.0.0.1:9/v1' }]);
  await send(page, 'Hi');
  const panel = panels(page).first();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'error');
  await expect(panel.getByTestId('error')).toContainText('Could not reach http://127.0.0.1:9/v1. Is the server running');
});

test('a key the server wants: 401 without it, the answer with it set in the panel’s setup', async ({ page, sim }) => {
  await openApp(page, [{ model: THINKING, endpoint: `${sim.url}/vllm,key=s3cret/v1` }]);
  await send(page, 'Hi');
  const panel = panels(page).first();
  await expect(panel.getByTestId('error')).toContainText('The API key is missing or wrong');
  await panel.getByRole('button', { name: /Qwen3-Next-80B-A3B-Thinking/ }).click();
  await panel.getByTestId('setup').getByLabel('API key').fill('s3cret');
  await panel.getByTestId('regenerate').click();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
});

test('an endpoint that wants a key asks for it where the answer failed; one key retries every panel on it', async ({ page, sim }) => {
  const endpoint = `${sim.url}/vllm,key=s3cret/v1`;
  await openApp(page, [
    { model: THINKING, endpoint },
    { model: 'Qwen/Qwen3-Next-80B-A3B-Instruct', endpoint },
  ]);
  await send(page, 'Hi');
  const [a, b] = [panels(page).nth(0), panels(page).nth(1)];
  for (const panel of [a, b]) await expect(panel.getByTestId('error')).toContainText('The API key is missing or wrong');
  await a.getByTestId('key-input').fill('wrong');
  await a.getByRole('button', { name: 'Use key and retry' }).click();
  // a wrong key fails again, and asks again
  await expect(a.getByTestId('status')).toHaveAttribute('data-state', 'error');
  await expect(a.getByTestId('key-input')).toBeVisible();
  await b.getByTestId('key-input').fill('s3cret');
  await b.getByTestId('key-input').press('Enter');
  for (const panel of [a, b]) await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  // the key went nowhere but memory: not into the address bar
  expect(page.url()).not.toContain('s3cret');
});

test('stop keeps what arrived; Esc stops every panel', async ({ page, sim }) => {
  await openApp(page, [
    // thinks for a minute: still thinking whatever the machine load when Esc comes
    { model: THINKING, endpoint: `${sim.url}/vllm,tps=20,reasoning=1200/v1` },
    { model: 'Qwen/Qwen3-Next-80B-A3B-Instruct', endpoint: `${sim.url}/sglang,tps=20/v1` },
  ]);
  await send(page, 'Hi');
  const [a, b] = [panels(page).nth(0), panels(page).nth(1)];
  await expect(b.getByTestId('answer')).not.toBeEmpty();
  await b.getByTestId('stop').click();
  await expect(b.getByTestId('status')).toHaveAttribute('data-state', 'stopped');
  const kept = await b.getByTestId('answer').textContent();
  expect(kept?.length).toBeGreaterThan(0);
  await expect(a.getByTestId('status')).toHaveAttribute('data-state', 'thinking');
  await page.keyboard.press('Escape');
  await expect(a.getByTestId('status')).toHaveAttribute('data-state', 'stopped');
  await expect(a.getByTestId('reasoning')).not.toBeEmpty();
});
