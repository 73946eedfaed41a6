// Offline and installable: the service worker's app shell opens the page with no network; an update waits for the next visit.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, openApp, panels, send, test } from './fixtures.ts';

const INSTRUCT = 'Qwen/Qwen3-Next-80B-A3B-Instruct';

test('load once, go offline, reload: the page opens and a remote panel says it is offline instead of failing', async ({ page, context, sim }) => {
  await openApp(page, [{ model: INSTRUCT, endpoint: `${sim.url}/vllm/v1` }, { model: 'Qwen3-0.6B', endpoint: 'webllm' }]);
  // the worker is active once the app shell is in its cache
  await page.evaluate(async () => void (await navigator.serviceWorker.ready));
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('prompt')).toBeVisible();
  await expect(panels(page)).toHaveCount(2);
  const [remote, inBrowser] = [panels(page).nth(0), panels(page).nth(1)];
  await expect(remote.getByTestId('panel-offline')).toBeVisible();
  await expect(inBrowser.getByTestId('panel-offline')).toHaveCount(0);
  await send(page, 'Hi');
  await expect(remote.getByTestId('error')).toContainText('This browser is offline');
  // the network is back: the panel answers again
  await context.setOffline(false);
  await expect(remote.getByTestId('panel-offline')).toHaveCount(0);
  await remote.getByTestId('regenerate').click();
  await expect(remote.getByTestId('status')).toHaveAttribute('data-state', 'done');
});

test('the in-browser engine’s code, loaded once on a first visit, loads again offline', async ({ page, context }) => {
  await page.goto('./');
  await page.getByTestId('prompt').waitFor();
  // the Models dialog reads web-llm's catalog: its runtime (over 2 MiB, so not precached) loads now
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  const big = () => page.evaluate(() => performance.getEntriesByType('resource').find((e) => /\/assets\/[^/]+\.js$/.test(e.name) && (e as PerformanceResourceTiming).decodedBodySize > 2 * 1024 * 1024)?.name ?? '');
  await expect.poll(big).not.toBe('');
  const chunk = await big();
  // the worker takes the page over and keeps what the page had loaded before it
  await expect.poll(() => page.evaluate(async () => (await (await caches.open('engine-chunks')).keys()).map((r) => r.url)), { timeout: 20_000 }).toContain(chunk);
  await context.setOffline(true);
  await page.reload();
  await page.getByTestId('prompt').waitFor();
  expect(await page.evaluate(async (url) => typeof (await import(url)), chunk)).toBe('object');
});

test('the page is installable: a manifest with icons, served beside index.html', async ({ page }) => {
  await page.goto('./');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = await (await page.request.get(new URL(href!, page.url()).href)).json();
  expect(manifest).toMatchObject({ name: 'Qwen Playground', display: 'standalone', start_url: './' });
  const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
  expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
  for (const icon of manifest.icons) expect((await page.request.get(new URL(icon.src, page.url()).href)).ok()).toBe(true);
});

test('a new version waits for the next visit and says so; the open page is never reloaded', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('prompt').waitFor();
  await page.evaluate(async () => void (await navigator.serviceWorker.ready));
  // a second visit: now the worker controls the page, as on a returning visitor's
  await page.reload();
  await page.getByTestId('prompt').waitFor();
  expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  // the host deploys a new build: the worker script changes on disk (a browser fetches a worker script itself,
  // past the test's request routing); a trailing comment, so another test reading it meanwhile is unaffected
  const script = path.join(process.cwd(), 'dist', 'sw.js');
  const built = await readFile(script, 'utf8');
  try {
    await writeFile(script, `${built}\n// the next build\n`);
    await page.evaluate(async () => void (await (await navigator.serviceWorker.getRegistration())?.update()));
    await expect(page.getByTestId('update-waiting')).toContainText('next visit');
  } finally {
    await writeFile(script, built);
  }
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
  // the new worker waits while this page is open
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state)).toBe('installed');
});
