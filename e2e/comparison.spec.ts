// The comparison page as a person uses it: deep links, regenerate, multi-turn, trace panel, code, safety.
import { expect, metric, openApp, panels, send, test } from './fixtures.ts';

const THINKING = 'Qwen/Qwen3-Next-80B-A3B-Thinking';
const INSTRUCT = 'Qwen/Qwen3-Next-80B-A3B-Instruct';

test('a deep link sets up panels in order, with system prompt and thinking, and sends at load', async ({ page, sim }) => {
  await openApp(
    page,
    [
      { model: 'Qwen/Qwen3-8B', endpoint: `${sim.url}/vllm/v1` },
      { model: INSTRUCT, endpoint: `${sim.url}/sglang/v1` },
    ],
    { prompt: 'Say hi', system: 'Be brief.', thinking: 'off', send: '1' },
  );
  const [a, b] = [panels(page).nth(0), panels(page).nth(1)];
  await expect(a).toHaveAttribute('data-model', 'Qwen/Qwen3-8B');
  await expect(b).toHaveAttribute('data-model', INSTRUCT);
  await expect(a.locator('.user-turn')).toHaveText('Say hi');
  await expect(a.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(b.getByTestId('status')).toHaveAttribute('data-state', 'done');
  // thinking off reached the hybrid model: no reasoning at all
  await expect(a.getByTestId('reasoning')).toHaveCount(0);
  await expect(page.getByLabel('System prompt')).toHaveValue('Be brief.');
  await expect(page.getByTestId('prompt')).toHaveValue('');
});

test('regenerate replaces one panel’s answer and leaves the others alone', async ({ page, sim }) => {
  await openApp(page, [
    { model: THINKING, endpoint: `${sim.url}/vllm/v1` },
    { model: INSTRUCT, endpoint: `${sim.url}/vllm,fault=503/v1` },
  ]);
  await send(page, 'Hi');
  const [a, b] = [panels(page).nth(0), panels(page).nth(1)];
  await expect(b.getByTestId('status')).toHaveAttribute('data-state', 'error');
  await expect(a.getByTestId('status')).toHaveAttribute('data-state', 'done');
  const total = await metric(a, 'total');
  // point the failing panel at a healthy server and regenerate it alone
  await b.getByRole('button', { name: /Qwen3-Next-80B-A3B-Instruct/ }).click();
  await b.getByLabel('Base URL').fill(`${sim.url}/vllm/v1`);
  await b.getByTestId('regenerate').click();
  await expect(b.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(b.getByTestId('error')).toHaveCount(0);
  await expect(b.getByTestId('answer')).toContainText('Qwen3-Next is a mixture-of-experts');
  expect(await metric(a, 'total')).toBe(total);
});

test('multi-turn: each panel keeps its answers under the shared turns; ↑ takes the last prompt back', async ({ page, sim }) => {
  await openApp(page, [
    { model: INSTRUCT, endpoint: `${sim.url}/vllm,echo=1/v1` },
    { model: INSTRUCT, endpoint: `${sim.url}/sglang,echo=1/v1` },
  ]);
  await send(page, 'first question');
  await expect(panels(page).nth(1).getByTestId('status')).toHaveAttribute('data-state', 'done');
  await send(page, 'second question');
  for (const i of [0, 1]) {
    const panel = panels(page).nth(i);
    await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
    await expect(panel.locator('.user-turn')).toHaveText(['first question', 'second question']);
    await expect(panel.getByTestId('answer')).toHaveText(['first question', 'second question']);
  }
  await page.getByTestId('prompt').press('ArrowUp');
  await expect(page.getByTestId('prompt')).toHaveValue('second question');
  await expect(panels(page).first().locator('.user-turn')).toHaveText(['first question']);
});

test('the trace panel shows a timeline, the numbers side by side, and searches the reasoning', async ({ page, sim }) => {
  await openApp(page, [
    { model: THINKING, endpoint: `${sim.url}/vllm/v1` },
    { model: INSTRUCT, endpoint: `${sim.url}/vllm,tpc=3/v1` },
  ]);
  await page.getByTestId('prompt').press('Escape'); // out of the prompt, which has focus at load
  await page.keyboard.press('r');
  const trace = page.getByTestId('trace');
  await expect(trace).toBeVisible();
  // before anything runs: what will show there, and not an empty timeline and table
  await expect(trace).toContainText('Send a prompt');
  await expect(trace.getByTestId('timeline')).toBeHidden();
  await expect(trace.getByTestId('metrics-table')).toBeHidden();
  await send(page, 'Why is Qwen3-Next fast?');
  await expect(trace).not.toContainText('Send a prompt');
  await expect(panels(page).nth(0).getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(panels(page).nth(1).getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(trace.getByRole('img', { name: /Qwen3-Next-80B-A3B-Thinking: waiting [\d.]+ s, thinking [\d.]+ s, answering [\d.]+ s, done/ })).toBeVisible();
  await expect(trace.getByRole('img', { name: /Qwen3-Next-80B-A3B-Instruct: waiting [\d.]+ s, answering [\d.]+ s, done/ })).toBeVisible();
  const table = trace.getByTestId('metrics-table');
  // vLLM counts every chunk (continuous usage): exact sizes, all 3 but the very last
  const sizes = table.getByRole('row', { name: /Chunk sizes/ }).getByRole('cell');
  await expect(sizes.nth(0)).toHaveText(/^1×\d+$/);
  await expect(sizes.nth(1)).toHaveText(/^([12]×\d+ )?3×\d+$/);
  await expect(table.getByRole('row', { name: /Tokens counted by/ }).getByRole('cell')).toHaveText(['server', 'server']);
  const unsearched = [await trace.locator('.rs-text').innerText(), await trace.locator('.rs-text p').count()];
  await trace.getByLabel('Search the reasoning').fill('the user asks');
  await expect(trace.getByTestId('reasoning-matches')).toHaveText('1 match');
  await expect(trace.locator('mark')).toHaveText('The user asks');
  // the same text in the same paragraphs, with the match marked
  expect([await trace.locator('.rs-text').innerText(), await trace.locator('.rs-text p').count()]).toEqual(unsearched);
});

test('code blocks are highlighted, wrap their long lines unless told not to, and can be copied', async ({ page, sim, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page, [{ model: INSTRUCT, endpoint: `${sim.url}/vllm/v1` }]);
  await send(page, 'Show code');
  const panel = panels(page).first();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  const code = panel.locator('pre code.language-python');
  await expect(code.locator('.hljs-keyword').first()).toHaveText('def');
  const pre = panel.locator('pre').first();
  const wrap = panel.getByRole('button', { name: 'Wrap long lines of this code' });
  await expect(wrap).toHaveAttribute('aria-pressed', 'true');
  await expect(pre).toHaveCSS('white-space', 'pre-wrap');
  await wrap.click();
  await expect(wrap).toHaveAttribute('aria-pressed', 'false');
  await expect(pre).toHaveCSS('white-space', 'pre');
  await panel.getByRole('button', { name: 'Copy this code' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('def tokens_per_second(tokens: int, seconds: float) -> float:');
});

test('streamed markdown ends identical to the same answer arriving in one piece, and to both reopened after a reload', async ({ page, sim }) => {
  await openApp(page, [
    { model: INSTRUCT, endpoint: `${sim.url}/vllm,answer=3000,tps=1500/v1` },
    { model: INSTRUCT, endpoint: `${sim.url}/vllm,answer=3000,tpc=100000/v1` },
  ]);
  await send(page, 'Long answer please');
  const [streamed, oneShot] = [panels(page).nth(0), panels(page).nth(1)];
  await expect(streamed.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(oneShot.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(streamed.getByTestId('answer')).toHaveAttribute('data-final', 'true');
  await expect(oneShot.getByTestId('answer')).toHaveAttribute('data-final', 'true');
  // the answer may sit in several settled blocks: what counts is their content, in order
  const html = (p: typeof streamed) => p.getByTestId('answer').evaluate((el) => [...el.querySelectorAll('.md-block')].map((b) => b.innerHTML).join(''));
  const [a, b] = [await html(streamed), await html(oneShot)];
  expect(a.length).toBeGreaterThan(20_000);
  expect(a).toBe(b);
  // reopened, an answer was never on screen: its final render fills in piece by piece, and ends the same
  await page.reload();
  for (const panel of [streamed, oneShot]) await expect(panel.getByTestId('answer')).toHaveAttribute('data-final', 'true');
  expect(await streamed.locator('.md-block').count()).toBeGreaterThan(3);
  expect([await html(streamed), await html(oneShot)]).toEqual([a, a]);
  // it waited at the start while it filled in, then went to the end of the conversation
  const atEnd = (p: typeof streamed) => p.locator('.conversation').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 40);
  await expect.poll(() => atEnd(streamed)).toBe(true);
  await expect.poll(() => atEnd(oneShot)).toBe(true);
});

const ATTACKS = '<script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2"> [link](javascript:window.__pwned=3) <iframe srcdoc="<script>parent.__pwned=4</script>"></iframe>';

test('script injection in streamed answers and reasoning runs nothing, and the text stays visible', async ({ page, sim }) => {
  // echo the prompt back one token per chunk: every tag arrives cut across chunks
  await openApp(page, [
    { model: 'Qwen/Qwen3-8B', endpoint: `${sim.url}/vllm,echo=1,reasoning=40/v1` },
    { model: 'Qwen/Qwen3-8B', endpoint: `${sim.url}/raw,echo=1,reasoning=40/v1`, server: 'raw' },
  ]);
  await send(page, ATTACKS);
  for (const i of [0, 1]) {
    const panel = panels(page).nth(i);
    await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
    await expect(panel.getByTestId('answer')).toContainText('<script>window.__pwned = 1</script>');
    await expect(panel.getByTestId('answer')).toContainText('<img src=x onerror="window.__pwned = 2">');
    await expect(panel.getByTestId('reasoning')).toContainText('<script>window.__pwned = 1</script>');
    await expect(panel.locator('[data-testid="answer"] :is(script, img, iframe)')).toHaveCount(0);
    await expect(panel.locator('[data-testid="answer"] a[href^="javascript"]')).toHaveCount(0);
  }
  await page.locator('.reasoning-head').first().click();
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test('an answer cut off by Max tokens says so, and the next one without the limit does not', async ({ page, sim }) => {
  await openApp(page, [{ model: INSTRUCT, endpoint: `${sim.url}/vllm/v1` }]);
  const panel = panels(page).first();
  await panel.getByText('Sampling', { exact: true }).click();
  await panel.getByLabel('Max tokens').fill('12');
  await send(page, 'Tell me everything');
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(panel.getByTestId('truncated')).toContainText('reached the token limit');
  expect(await metric(panel, 'tokens')).toBe(12);
  // the setup folded away once there was an answer: open it again to lift the limit
  await panel.getByRole('button', { name: 'Qwen3-Next-80B-A3B-Instruct' }).click();
  await panel.getByText('Sampling', { exact: true }).click();
  await panel.getByLabel('Max tokens').fill('');
  await panel.getByTestId('regenerate').click();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(panel.getByTestId('truncated')).toHaveCount(0);
});

test('once the page is idle, text in Chinese, Japanese, Korean and emoji is laid out off screen, hidden from people and screen readers', async ({ page, sim }) => {
  await openApp(page, [{ model: INSTRUCT, endpoint: `${sim.url}/vllm/v1` }]);
  const sample = page.locator('.glyph-warmup');
  await expect(sample).toHaveAttribute('aria-hidden', 'true');
  await expect(sample).toContainText('你好');
  const box = (await sample.boundingBox())!;
  expect(box.x + box.width).toBeLessThan(0); // laid out (so the fonts are found), never in view
});

test('the answers scroll on the compositor: their scroller is opaque, in both themes, and keeps its scrollbar', async ({ page, sim }) => {
  await openApp(page, [{ model: INSTRUCT, endpoint: `${sim.url}/vllm/v1` }]);
  const scroller = panels(page).first().locator('.conversation');
  // at DPR 1 the browser composites only opaque scrollers; a transparent one is repainted at every scroll
  const style = () => scroller.evaluate((el) => ({ background: getComputedStyle(el).backgroundColor, overflowY: getComputedStyle(el).overflowY }));
  const opaque = (color: string) => /^rgb\(/.test(color) || /^rgba\(.*,\s*1\)$/.test(color);
  const first = await style();
  expect(first.overflowY).toBe('scroll');
  expect(opaque(first.background), first.background).toBe(true);
  await page.getByRole('button', { name: /Switch to (light|dark) theme/ }).click();
  await expect.poll(async () => (await style()).background).not.toBe(first.background);
  expect(opaque((await style()).background)).toBe(true);
});

test('past the browser’s 6 connections to one server, across tabs, the request that waits says so in its answer', async ({ page, sim, context }) => {
  const slow = `${sim.url}/vllm,tps=8,answer=400/v1`;
  await openApp(page, [0, 1, 2, 3].map(() => ({ model: INSTRUCT, endpoint: slow })));
  await send(page, 'Four long answers');
  for (let i = 0; i < 4; i++) await expect(panels(page).nth(i).getByTestId('status')).toHaveAttribute('data-state', 'answering');

  const other = await context.newPage();
  await openApp(other, [0, 1, 2].map(() => ({ model: INSTRUCT, endpoint: slow })));
  await send(other, 'Three more');
  // 4 + 3 streams, 6 connections: two answer, the third waits in the browser and says why
  await expect(other.locator('[data-testid="status"][data-state="answering"]')).toHaveCount(2);
  const third = panels(other).nth(2);
  await expect(third.getByTestId('status')).toHaveAttribute('data-state', 'waiting');
  const note = third.getByRole('note');
  await expect(note).toContainText(`Sent while 6 other requests to ${sim.url} were open in this and other tabs`);
  await expect(note).toContainText('at most 6 connections to one server over HTTP/1.1, so this request waited in the browser');
  await expect(other.getByText('Sent while')).toHaveCount(1);
  await expect(page.getByText('Sent while')).toHaveCount(0);

  // the first tab stops: a connection frees and the request goes out; the note stays with its time to first token
  await page.keyboard.press('Escape');
  await expect(third.getByTestId('status')).toHaveAttribute('data-state', 'answering');
  await expect(note).toContainText('its time to first token includes that wait');
});

for (const [width, height, count] of [[1280, 800, 4], [1920, 1080, 3]] as const) {
  test(`${count} panels on a ${width}-wide screen show each model’s whole name, with the status and actions on the line below`, async ({ page, sim }) => {
    await page.setViewportSize({ width, height });
    const models = [THINKING, INSTRUCT, 'qwen/qwen3-next-80b-a3b-thinking', 'Qwen/Qwen3-8B'].slice(0, count);
    await openApp(page, models.map((model) => ({ model, endpoint: `${sim.url}/vllm/v1` })));
    const names = page.locator('.model-name');
    await expect(names).toHaveText(models.map((m) => m.split('/').at(-1)!));
    for (const name of await names.all()) expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  });
}

test('on a narrow screen the panels stack, each at least 60% of the screen high, and the stack scrolls', async ({ page, sim }) => {
  await page.setViewportSize({ width: 800, height: 900 });
  await openApp(page, [THINKING, INSTRUCT, 'Qwen/Qwen3-8B'].map((model) => ({ model, endpoint: `${sim.url}/vllm/v1` })));
  const boxes = await Promise.all((await panels(page).all()).map((p) => p.boundingBox()));
  expect(new Set(boxes.map((b) => b!.x)).size).toBe(1);
  for (const box of boxes) expect(box!.height).toBeGreaterThanOrEqual(0.6 * 900 - 1);
  expect(await page.locator('.panels').evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
});

test('on a phone every control of the top bar is on screen, and the page does not scroll sideways', async ({ page, sim }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page, [THINKING, INSTRUCT].map((model) => ({ model, endpoint: `${sim.url}/vllm/v1` })));
  const buttons = await page.locator('.topbar button').all();
  expect(buttons.length).toBeGreaterThan(5);
  for (const button of buttons) {
    const box = (await button.boundingBox())!;
    expect(box.x, await button.innerText()).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, await button.innerText()).toBeLessThanOrEqual(390);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test('every control has an accessible name: the top bar, a panel’s setup and answer, the trace, history and dialogs', async ({ page, sim }) => {
  await openApp(page, [
    { model: THINKING, endpoint: `${sim.url}/vllm/v1` },
    { model: INSTRUCT, endpoint: `${sim.url}/vllm,fault=401/v1` },
  ]);
  await send(page, 'Why is Qwen3-Next fast?');
  await expect(panels(page).nth(0).getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(panels(page).nth(1).getByTestId('status')).toHaveAttribute('data-state', 'error');
  await panels(page).nth(0).locator('.model-name').click(); // the setup
  await panels(page).nth(0).getByText('Sampling').click();
  if (!(await page.getByTestId('trace').isVisible())) await page.keyboard.press('r');
  await expect(page.getByTestId('trace')).toBeVisible();
  /** the visible controls whose accessible name (as the browser's accessibility tree computes it) is empty */
  const unnamed = async () => {
    const names: string[] = [];
    for (const control of await page.locator('button, input:not([type=hidden]), select, textarea, a[href], summary').all()) {
      if (!(await control.isVisible())) continue;
      // checked once (a timeout of 0 would wait for ever)
      const named = await expect(control).not.toHaveAccessibleName('', { timeout: 1 }).then(() => true, () => false);
      if (!named) names.push(await control.evaluate((el) => el.outerHTML.slice(0, 120)));
    }
    return names;
  };
  expect(await unnamed()).toEqual([]);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'History' }).click();
  expect(await unnamed()).toEqual([]);
  await page.getByRole('button', { name: 'Endpoints' }).click();
  expect(await unnamed()).toEqual([]);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  expect(await unnamed()).toEqual([]);
});
