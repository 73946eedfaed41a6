// The hosted page: the host's site file (valid, broken, absent behind an SPA fallback) and a first visit that answers.
import type { Page } from '@playwright/test';
import { expect, openApp, panels, send, test } from './fixtures.ts';

const INSTRUCT = 'Qwen/Qwen3-Next-80B-A3B-Instruct';

/** Serves `body` as the site file beside index.html. */
async function siteFile(page: Page, body: string, contentType = 'application/json'): Promise<void> {
  await page.route('**/playground.json', (route) => route.fulfill({ status: 200, contentType, body }));
}

test('a first visit with nothing set up: the start card, the examples, and not one request beyond the page’s own origin', async ({ page, baseURL }) => {
  const elsewhere: string[] = [];
  const origin = new URL(baseURL!).origin;
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol !== 'data:' && url.origin !== origin) elsewhere.push(r.url());
  });
  await openApp(page, []);
  await expect(page.getByTestId('start-card')).toBeVisible();
  await expect(panels(page)).toHaveCount(0);
  // the built-in examples, in order; a click fills the composer
  const examples = page.getByTestId('example-prompt');
  await expect(examples).toHaveText(['A reasoning puzzle', 'Write code', 'A table', 'A tool task', 'Summarize a long document']);
  await examples.nth(2).click();
  await expect(page.getByTestId('prompt')).toHaveValue(/markdown table/);
  // the card has looked for WebGPU (no GPU here) and settled, still without a request elsewhere
  await expect(page.getByTestId('start-card').getByText(/Checking this browser/)).toHaveCount(0);
  await page.waitForLoadState('networkidle');
  expect(elsewhere).toEqual([]);
  // one click sets the panels up
  await page.getByTestId('start-nvidia').click();
  await expect(panels(page)).toHaveCount(2);
  await expect(panels(page).nth(1)).toHaveAttribute('data-model', 'qwen/qwen3-next-80b-a3b-thinking');
  await expect(page.getByTestId('start-card')).toHaveCount(0);
});

test('a first visit where WebGPU is missing: the start card offers Qwen3 on the CPU, with its download, and one click sets it up', async ({ page }) => {
  await openApp(page, []);
  const offer = page.getByTestId('start-in-browser');
  await expect(offer).toContainText('Qwen3-0.6B on this computer’s CPU');
  await expect(offer).toContainText(/MB download/);
  await offer.click();
  await expect(panels(page)).toHaveCount(1);
  await expect(panels(page).first()).toHaveAttribute('data-model', /Qwen3-0\.6B/);
  await expect(page.getByTestId('start-card')).toHaveCount(0);
});

test('a valid site file sets the first visit up: its panels (by endpoint name too), welcome line and examples in its order', async ({ page, sim }) => {
  await siteFile(
    page,
    JSON.stringify({
      welcome: 'Welcome to the stand',
      endpoints: [{ name: 'lab', baseURL: `${sim.url}/sglang/v1`, server: 'sglang' }],
      panels: [`${INSTRUCT}@${sim.url}/vllm/v1`, `Qwen/Qwen3-8B@lab`],
      examples: ['Say hi', { title: 'Count', prompt: 'Count to three' }],
    }),
  );
  await openApp(page, []);
  await expect(panels(page)).toHaveCount(2);
  await expect(page.getByTestId('start-card')).toHaveCount(0);
  await expect(page.getByTestId('site-notice')).toHaveCount(0);
  await expect(page.getByText('Welcome to the stand')).toBeVisible();
  await expect(page.getByTestId('example-prompt')).toHaveText(['Say hi', 'Count']);
  await page.getByTestId('example-prompt').nth(1).click();
  await expect(page.getByTestId('prompt')).toHaveValue('Count to three');
  await page.getByTestId('prompt').press('Enter');
  for (const panel of await panels(page).all()) await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  // the examples leave once the conversation has begun
  await expect(page.getByTestId('example-prompt')).toHaveCount(0);
});

test('a broken site file still opens the page, with one line naming the file and the key', async ({ page }) => {
  await siteFile(page, JSON.stringify({ panels: ['no-at-sign'], examples: ['Only this one'] }));
  await openApp(page, []);
  const notice = page.getByTestId('site-notice');
  await expect(notice).toHaveCount(1);
  await expect(notice).toContainText('playground.json');
  await expect(notice).toContainText('panels[0]');
  // the wrong key is left out (no panels: the start card), the right one applies
  await expect(page.getByTestId('start-card')).toBeVisible();
  await expect(page.getByTestId('example-prompt')).toHaveText(['Only this one']);
});

test('a site file that is not JSON at all: the page opens with its notice', async ({ page }) => {
  await siteFile(page, '{ "welcome": "unfinished');
  await openApp(page, []);
  await expect(page.getByTestId('site-notice')).toContainText('playground.json is not valid JSON');
  await expect(page.getByTestId('start-card')).toBeVisible();
});

test('an SPA fallback answering index.html is no site file, and no error', async ({ page }) => {
  const html = await (await page.request.get('./')).text();
  await siteFile(page, html, 'text/html');
  await openApp(page, []);
  await expect(page.getByTestId('start-card')).toBeVisible();
  await expect(page.getByTestId('site-notice')).toHaveCount(0);
});

test('a link’s own panels win over the site file’s; the file is read from beside index.html', async ({ page, sim, baseURL }) => {
  const asked: string[] = [];
  page.on('request', (r) => r.url().endsWith('playground.json') && asked.push(r.url()));
  await siteFile(page, JSON.stringify({ panels: [`${INSTRUCT}@${sim.url}/vllm/v1`, `${INSTRUCT}@${sim.url}/sglang/v1`] }));
  await openApp(page, [{ model: 'Qwen/Qwen3-8B', endpoint: `${sim.url}/vllm/v1` }]);
  await expect(panels(page)).toHaveCount(1);
  await expect(panels(page).first()).toHaveAttribute('data-model', 'Qwen/Qwen3-8B');
  await send(page, 'Hi');
  await expect(panels(page).first().getByTestId('status')).toHaveAttribute('data-state', 'done');
  expect(asked).toEqual([new URL('playground.json', baseURL).href]);
});
