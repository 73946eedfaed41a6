// In-browser models in Chromium with --enable-unsafe-webgpu: the q4f32 fallback, and a download that fails clearly.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.ts';
import { expect, openApp, panels, send, test } from './fixtures.ts';

// SwiftShader: a WebGPU adapter on a machine without a GPU, without shader-f16 and far too slow for real models
test.use({ launchOptions: { executablePath: chromiumPath(), args: [...chromiumArgs(), '--enable-unsafe-webgpu'] } });

test.describe('with a software WebGPU adapter (no shader-f16)', () => {
  /** A model host that refuses everything: like huggingface.co unreachable, but quick and certain. */
  let host: Server;
  let mirror: string;
  test.beforeAll(async () => {
    host = createServer((_req, res) => res.writeHead(404, { 'access-control-allow-origin': '*' }).end('not here'));
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
    mirror = `http://127.0.0.1:${(host.address() as AddressInfo).port}/`;
  });
  test.afterAll(() => new Promise<void>((r) => host.close(() => r())));

  test('the picker picks q4f32_1, and a model that cannot be downloaded fails clearly; the panel works again', async ({ page }) => {
    await openApp(page, [{ model: 'Qwen3-0.6B-q4f16_1-MLC', endpoint: 'webllm' }], { 'models-from': mirror });
    const panel = panels(page).first();
    const picker = panel.getByTestId('webllm-model');
    await expect(picker).toHaveValue('Qwen3-0.6B-q4f32_1-MLC', { timeout: 20_000 });
    await expect(panel.getByTestId('device-message')).toContainText('no shader-f16: the q4f32_1 variants are used');
    await expect(picker.locator('option', { hasText: 'Qwen3-8B · q4f32_1' })).toContainText(/needs \d\.\d GB GPU memory · download (unknown|…)/);
    await send(page, 'Hello');
    await expect(panel.getByTestId('error')).toHaveText(/^Could not download Qwen3-0\.6B-q4f32_1-MLC from 127\.0\.0\.1:\d+\. Check the internet connection/, { timeout: 20_000 });
    await expect(panel.getByTestId('load-progress')).toHaveCount(0);
    // the time it tried counts as loading the model, not as waiting for an answer
    const trace = page.getByTestId('trace');
    if (!(await trace.isVisible())) await page.getByRole('button', { name: 'Trace' }).click();
    await expect(trace.getByTestId('timeline').getByRole('img')).toHaveAccessibleName(/^Qwen3-0\.6B-q4f32_1-MLC: loading \d+\.\d\d s, error$/);
    await expect(panel.getByTestId('metric-load')).toBeVisible();
    await expect(panel.getByTestId('metric-total')).toHaveCount(0);
    await send(page, 'Again');
    await expect(panel.getByTestId('status').last()).toHaveAttribute('data-state', 'error', { timeout: 20_000 });
    await expect(panel.getByTestId('error').last()).toContainText('Could not download');
  });

  test("web-llm's code is downloaded once, by its worker: the page's own chunks hold none of it", async ({ page }) => {
    /** JavaScript the app served, page and worker alike, with whether it carries web-llm (a string only web-llm has) */
    const scripts: Promise<{ url: string; webllm: boolean } | null>[] = [];
    page.context().on('response', (res) => {
      // a copy the service worker fetches for itself may still be arriving when the test ends: not a body to read
      if (/\/assets\/.*\.js$/.test(res.url()))
        scripts.push(res.text().then((body) => ({ url: res.url(), webllm: body.includes('mlc-chat-config.json') }), () => null));
    });
    await openApp(page, [{ model: 'Qwen3-0.6B-q4f16_1-MLC', endpoint: 'webllm' }], { 'models-from': mirror });
    await send(page, 'Hello');
    await expect(panels(page).first().getByTestId('error')).toContainText('Could not download', { timeout: 20_000 });
    const fetched = await Promise.all(scripts);
    // the service worker asks again for a chunk loaded before it took over, to keep it for offline use: the same
    // file, answered by the HTTP cache (or a 304), not a second copy of web-llm
    const files = new Set(fetched.filter((s) => s?.webllm).map((s) => s!.url.replace(/.*\/assets\//, '').replace(/-[\w-]{8}\.js$/, '.js')));
    expect([...files]).toEqual(['webllm.worker.js']);
  });
});
