// Connecting to an endpoint: finding its models and its kind, and recovering from a wrong model name.
import type { Page } from '@playwright/test';
import { startProxy } from '../scripts/proxy-server.ts';
import { expect, openApp, panels, send, test } from './fixtures.ts';

test('Find models lists the endpoint’s models and recognises the server', async ({ page, sim }) => {
  await openApp(page, [{ model: 'x', endpoint: `${sim.url}/sglang/v1` }]);
  const panel = panels(page).first();
  await panel.getByLabel('Model').fill('');
  await panel.getByTestId('find-models').click();
  await expect(panel.getByTestId('discovery')).toHaveText('SGLang · 3 models · 262,144 tokens of context');
  await expect(panel.getByLabel('Server kind')).toHaveValue('sglang');
  await expect(panel.getByLabel('Model')).toHaveValue('Qwen/Qwen3-Next-80B-A3B-Thinking');
  await expect(panel.locator('datalist option')).toHaveCount(3);
});

test('a server kind the person chose is not overridden', async ({ page, sim }) => {
  await openApp(page, [{ model: 'Qwen/Qwen3-8B', endpoint: `${sim.url}/vllm/v1` }]);
  const panel = panels(page).first();
  await panel.getByLabel('Server kind').selectOption('raw');
  await panel.getByTestId('find-models').click();
  await expect(panel.getByTestId('discovery')).toContainText('vLLM · 3 models');
  await expect(panel.getByLabel('Server kind')).toHaveValue('raw');
});

test('an unknown model: the error lists what the endpoint serves, and one click retries with it', async ({ page, sim }) => {
  await openApp(page, [{ model: 'Qwen/Qwen3-Nxt-80B', endpoint: `${sim.url}/vllm/v1` }]);
  await send(page, 'Hi');
  const panel = panels(page).first();
  await expect(panel.getByTestId('error')).toContainText('does not know the model "Qwen/Qwen3-Nxt-80B"');
  await panel.getByRole('button', { name: 'Qwen/Qwen3-Next-80B-A3B-Instruct' }).click();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(panel).toHaveAttribute('data-model', 'Qwen/Qwen3-Next-80B-A3B-Instruct');
});

test('discovery failures say what to check', async ({ page, sim }) => {
  await openApp(page, [{ model: 'm', endpoint: `${sim.url}/vllm,key=k/v1` }]);
  const panel = panels(page).first();
  await panel.getByTestId('find-models').click();
  await expect(panel.getByTestId('discovery')).toContainText('The API key is missing or wrong');
  await panel.getByLabel('Base URL').fill(`${sim.url}/vllm,cors=off/v1`);
  await panel.getByTestId('find-models').click();
  await expect(panel.getByTestId('discovery')).toContainText('does not allow calls from this page (CORS)');
});

/** Fills the Endpoints dialog's form and saves; the dialog stays open on its list. */
async function addEndpoint(page: Page, e: { name?: string; baseURL: string; server?: string; key: string; remember?: boolean }): Promise<void> {
  await page.getByRole('button', { name: 'Endpoints' }).click();
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  if (e.name) await page.getByLabel('Endpoint name').fill(e.name);
  await page.getByLabel('Endpoint base URL').fill(e.baseURL);
  if (e.server) await page.getByLabel('Endpoint server kind').selectOption(e.server);
  await page.getByLabel('Endpoint API key').fill(e.key);
  if (e.remember) await page.getByLabel('Remember the key on this device').check();
  await page.getByRole('button', { name: 'Save' }).click();
}

test('a saved endpoint with a remembered key survives a reload; a deep link to it needs no key', async ({ page, sim }) => {
  const base = `${sim.url}/sglang,key=s3cret/v1`;
  await openApp(page, [{ model: 'Qwen/Qwen3-Next-80B-A3B-Instruct', endpoint: base }]);
  await addEndpoint(page, { name: 'Lab SGLang', baseURL: base, server: 'sglang', key: 's3cret', remember: true });
  await expect(page.getByTestId('key-state')).toHaveText('key remembered on this device');
  await page.getByRole('button', { name: 'Close' }).click();

  // the link carries no key: the saved endpoint for that URL supplies it
  await page.reload();
  await send(page, 'Hi');
  await expect(panels(page).first().getByTestId('status')).toHaveAttribute('data-state', 'done');
  await page.getByRole('button', { name: 'Endpoints' }).click();
  await expect(page.getByTestId('endpoint')).toContainText('Lab SGLang');
});

test('a key not remembered is gone after a reload, and the panel says the key is missing', async ({ page, sim }) => {
  const base = `${sim.url}/vllm,key=k2/v1`;
  await openApp(page, [{ model: 'Qwen/Qwen3-Next-80B-A3B-Instruct', endpoint: base }]);
  await addEndpoint(page, { baseURL: base, key: 'k2' });
  await expect(page.getByTestId('key-state')).toHaveText('key in memory until the tab closes');
  await page.getByRole('button', { name: 'Close' }).click();
  await send(page, 'Hi');
  await expect(panels(page).first().getByTestId('status')).toHaveAttribute('data-state', 'done');

  await page.reload();
  await page.getByRole('button', { name: 'Endpoints' }).click();
  await expect(page.getByTestId('key-state')).toHaveText('no key');
  await page.getByRole('button', { name: 'Close' }).click();
  await send(page, 'Hi');
  await expect(panels(page).first().getByTestId('error')).toContainText('The API key is missing or wrong');
});

test('through npm run proxy: the key stays out of the page and a 429 shows its Retry-After', async ({ page, sim, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const proxy = await startProxy({
    upstreams: { lab: `${sim.url}/vllm,key=hidden/v1`, busy: `${sim.url}/vllm,fault=429,retry-after=42/v1` },
    keys: { lab: 'hidden' },
    origins: [origin],
  });
  try {
    await openApp(page, [
      { model: 'Qwen/Qwen3-Next-80B-A3B-Instruct', endpoint: `${proxy.url}/lab/v1` },
      { model: 'Qwen/Qwen3-Next-80B-A3B-Instruct', endpoint: `${proxy.url}/busy/v1` },
    ]);
    await send(page, 'Hi');
    await expect(panels(page).nth(0).getByTestId('status')).toHaveAttribute('data-state', 'done');
    await expect(panels(page).nth(1).getByTestId('error')).toContainText('rate limiting requests (HTTP 429). Retry in 42 s.');
    await expect(panels(page).nth(1).getByRole('button', { name: 'Retry' })).toBeVisible();
  } finally {
    await proxy.close();
  }
});
