// The CPU engine with a real llama.cpp (wllama) and a tiny random-weight Qwen3 from a local mirror: load, stream, stop, cache.
import type { Locator, Page } from '@playwright/test';
import { expect, metric, openApp, panels, send, test } from './fixtures.ts';
import { startGgufMirror, type GgufMirror } from './sim/gguf-mirror.ts';

let mirror: GgufMirror;
test.beforeAll(async () => {
  mirror = await startGgufMirror();
});
test.afterAll(async () => {
  await mirror.close();
});

// loading llama.cpp's 10 MB of WebAssembly on a shared, busy machine takes a while
test.describe.configure({ timeout: 120_000 });
const LONG = { timeout: 60_000 };

/** Sets the panel's Max tokens: the random model never writes <|im_end|>, so an answer ends at the limit. */
async function maxTokens(panel: Locator, n: number): Promise<void> {
  await panel.getByText('Sampling').click();
  await panel.getByLabel('Max tokens').fill(String(n));
}

/** The setup folds away after the first answer: open it again to read the engine's lines. */
async function openSetup(panel: Locator): Promise<void> {
  const head = panel.locator('.model-name');
  if ((await head.getAttribute('aria-expanded')) !== 'true') await head.click();
}

/** What Cache Storage holds for the CPU engine: URL and bytes of each file. */
function cacheContents(page: Page): Promise<Array<{ url: string; bytes: number }>> {
  return page.evaluate(async () => {
    if (!(await caches.has('qwen-playground/gguf'))) return [];
    const cache = await caches.open('qwen-playground/gguf');
    return Promise.all((await cache.keys()).map(async (r) => ({ url: r.url, bytes: (await (await cache.match(r.url))!.blob()).size })));
  });
}

test('a CPU panel downloads the model from the mirror, streams an answer with its metrics, and says how many threads it got', async ({ page }) => {
  await openApp(page, [{ model: 'Qwen3-0.6B', endpoint: 'wasm' }], { 'models-from': mirror.url });
  const panel = panels(page).first();
  await expect(panel.getByTestId('runs-on')).toHaveValue('cpu');
  // the link's family name takes the catalog's default quantization
  await expect(panel.getByTestId('cpu-model')).toHaveValue('Qwen3-0.6B-Q8_0');
  // vite preview sends COOP/COEP: the page is isolated, so llama.cpp may use more than one thread
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(panel.getByTestId('cpu-threads')).toHaveText(/^(One thread|\d+ threads): (this browser reports|one per physical core)/);
  await expect(panel.getByTestId('cpu-threads')).not.toContainText('not cross-origin isolated');
  await maxTokens(panel, 48);
  const before = mirror.downloads();
  await send(page, 'Hello');
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done', LONG);
  expect(mirror.downloads()).toBe(before + 1);
  const answer = (await panel.getByTestId('answer').textContent()) ?? '';
  expect(answer.trim().length).toBeGreaterThan(10);
  // llama.cpp's own usage: 48 tokens counted by the engine, not estimated from chunks
  await expect(panel.getByTestId('metric-tokens')).toHaveAttribute('data-source', 'server');
  expect(await metric(panel, 'tokens')).toBe(48);
  expect(await metric(panel, 'tps')).toBeGreaterThan(0);
  expect(await metric(panel, 'ttft')).toBeGreaterThan(0);
  // loading was counted apart from the answer's own clock
  expect(await metric(panel, 'load')).toBeGreaterThan(0);
  await openSetup(panel);
  await expect(panel.getByTestId('cpu-threads')).toContainText(/Running on \d+ threads?\./);
  // the speed measured on this answer is offered for the next one
  await expect(panel.getByTestId('cpu-speed')).toContainText(/About [\d.]+ tokens\/s on this computer/);
});

test('Stop ends an answer midway and keeps what arrived; the engine answers again after it', async ({ page }) => {
  await openApp(page, [{ model: 'Qwen3-0.6B', endpoint: 'wasm' }], { 'models-from': mirror.url });
  const panel = panels(page).first();
  // no Max tokens: the answer would run until the context is full
  await send(page, 'Tell me everything');
  await expect(panel.getByTestId('answer')).toHaveText(/.{20}/s, LONG);
  await panel.getByTestId('stop').click();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'stopped');
  const kept = (await panel.getByTestId('answer').textContent()) ?? '';
  expect(kept.length).toBeGreaterThan(0);
  await openSetup(panel);
  await maxTokens(panel, 16);
  await send(page, 'Again');
  await expect(panel.getByTestId('status').last()).toHaveAttribute('data-state', 'done', LONG);
  expect(await metric(panel, 'tokens')).toBe(16);
});

test('two CPU panels answer one after the other; a reload reads the model from the cache, and the speed is remembered', async ({ page }) => {
  await openApp(page, [{ model: 'Qwen3-0.6B', endpoint: 'wasm' }, { model: 'Qwen3-0.6B-Q8_0', endpoint: 'wasm' }], { 'models-from': mirror.url });
  const [a, b] = [panels(page).nth(0), panels(page).nth(1)];
  await maxTokens(a, 24);
  await maxTokens(b, 24);
  const before = mirror.downloads();
  await send(page, 'Hello');
  await expect(a.getByTestId('status')).toHaveAttribute('data-state', 'done', LONG);
  await expect(b.getByTestId('status')).toHaveAttribute('data-state', 'done', LONG);
  expect(await metric(a, 'tokens')).toBe(24);
  expect(await metric(b, 'tokens')).toBe(24);
  // one download for both panels
  expect(mirror.downloads()).toBe(before + 1);

  await page.reload();
  await page.getByTestId('prompt').waitFor();
  const again = panels(page).first();
  await openSetup(again);
  await expect(again.getByTestId('cpu-speed')).toContainText(/About [\d.]+ tokens\/s on this computer/);
  await expect(again.getByTestId('cpu-model').locator('option:checked')).toContainText('cached');
  await send(page, 'Once more');
  await expect(again.getByTestId('status').last()).toHaveAttribute('data-state', 'done', LONG);
  expect(mirror.downloads()).toBe(before + 1);
});

test("the Models dialog lists the CPU model with the bytes Cache Storage holds, and Delete empties the cache", async ({ page }) => {
  await openApp(page, [{ model: 'Qwen3-0.6B', endpoint: 'wasm' }], { 'models-from': mirror.url });
  const panel = panels(page).first();
  await maxTokens(panel, 8);
  await send(page, 'Hi');
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done', LONG);
  const held = await cacheContents(page);
  expect(held).toEqual([{ url: `${mirror.url}/Qwen/Qwen3-0.6B-GGUF/resolve/main/Qwen3-0.6B-Q8_0.gguf`, bytes: mirror.bytes }]);
  await page.getByRole('button', { name: 'Models' }).click();
  const row = page.getByTestId('cached-cpu-model');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Qwen3-0.6B-Q8_0');
  await expect(row.getByTestId('cached-size')).toHaveText(`${Math.round(mirror.bytes / 1024)} KB`);
  await row.getByRole('button', { name: 'Delete Qwen3-0.6B-Q8_0' }).click();
  await expect(page.getByTestId('cpu-cache-message')).toHaveText('Deleted Qwen3-0.6B-Q8_0 from this browser.');
  await expect(row).toHaveCount(0);
  expect(await cacheContents(page)).toEqual([]);
});

test('Cancel stops a download midway and keeps nothing half-written; a missing file is said in a sentence', async ({ page }) => {
  await openApp(page, [{ model: 'Qwen3-0.6B', endpoint: 'wasm' }], { 'models-from': `${mirror.url}/slow` });
  const panel = panels(page).first();
  await send(page, 'Hello');
  await expect(panel.getByTestId('load-progress')).toHaveAttribute('data-phase', 'fetching', LONG);
  await expect(panel.getByTestId('load-message')).toContainText(/Downloading: \d+ KB of 428 KB/);
  await panel.getByTestId('cancel-load').click();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'stopped');
  expect(await cacheContents(page)).toEqual([]);

  await openApp(page, [{ model: 'Qwen3-1.7B', endpoint: 'wasm' }], { 'models-from': `${mirror.url}/missing` });
  await send(page, 'Hello');
  await expect(panels(page).first().getByTestId('error')).toHaveText(/^Qwen3-1\.7B-Q8_0 is not at .*Qwen3-1\.7B-Q8_0\.gguf \(HTTP 404\)\. If a mirror is set \(models-from\), check that it has the file; else pick another model\.$/, LONG);
});

test('without WebGPU an in-browser panel offers the CPU engine in one click, and the answer streams there', async ({ page }) => {
  await openApp(page, [{ model: 'Qwen3-0.6B-q4f16_1-MLC', endpoint: 'webllm' }], { 'models-from': mirror.url });
  const panel = panels(page).first();
  await expect(panel.getByTestId('device-message')).toContainText('found no usable GPU');
  await expect(panel.getByTestId('cpu-offer')).toContainText("Qwen3-0.6B can run on this computer's CPU instead");
  await expect(panel.getByTestId('cpu-offer')).toContainText('after the first answer');
  // sent anyway: the answer fails in one sentence, and the offer stands where it failed
  await send(page, 'Hello');
  await expect(panel.getByTestId('error')).toContainText('found no usable GPU');
  const offer = panel.locator('.turn').getByTestId('cpu-offer');
  await offer.getByTestId('use-cpu').click();
  await expect(panel).toHaveAttribute('data-model', 'Qwen3-0.6B-Q8_0');
  await expect(offer).toHaveCount(0);
  await openSetup(panel);
  await expect(panel.getByTestId('runs-on')).toHaveValue('cpu');
  await maxTokens(panel, 8);
  await panel.getByTestId('regenerate').click();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done', LONG);
  expect(await metric(panel, 'tokens')).toBe(8);
});
