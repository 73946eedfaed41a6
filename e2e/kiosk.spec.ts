// Kiosk mode for an event stand: the setup locked out of the page, big examples, a QR code of the link, the idle reset.
import jsQR from 'jsqr';
import { expect, openApp, panels, send, test } from './fixtures.ts';

const INSTRUCT = 'Qwen/Qwen3-Next-80B-A3B-Instruct';
const THINKING = 'Qwen/Qwen3-Next-80B-A3B-Thinking';

test('?kiosk=1: the controls that change the setup are absent from the page, not hidden', async ({ page, sim }) => {
  await openApp(page, [{ model: INSTRUCT, endpoint: `${sim.url}/vllm/v1` }, { model: THINKING, endpoint: `${sim.url}/sglang/v1` }], { kiosk: '1' });
  await expect(panels(page)).toHaveCount(2);
  for (const name of ['History', 'Endpoints', 'Models', 'Add a panel', 'Remove this panel', 'System', 'Share'])
    await expect(page.getByRole('button', { name, exact: true, includeHidden: true })).toHaveCount(0);
  // no setup form, no endpoint or model dialogs waiting closed in the page, no key field
  await expect(page.getByLabel('Base URL', { exact: false })).toHaveCount(0);
  await expect(page.locator('dialog')).toHaveCount(1); // the keyboard help alone
  await expect(page.getByRole('button', { name: /Qwen3-Next-80B-A3B-Instruct/ })).toHaveCount(0);
  await page.locator('body').press('h');
  await expect(page.getByTestId('history')).toHaveCount(0);
  // large type and the examples as big buttons
  expect(await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize))).toBeGreaterThanOrEqual(20);
  await expect(page.getByTestId('example-prompt').first()).toBeVisible();
  // the person running the stand leaves with Ctrl+Alt+K: the controls are back and a reload stays out
  await page.locator('body').press('Control+Alt+k');
  await expect(page.getByRole('button', { name: 'Endpoints', exact: true })).toBeVisible();
  await expect(page).toHaveURL(/kiosk=0/);
});

test('the QR code decodes to the setup’s share link, at 4 or more CSS pixels a module with a quiet zone', async ({ page, sim, baseURL }) => {
  await openApp(page, [{ model: INSTRUCT, endpoint: `${sim.url}/vllm/v1` }, { model: 'Qwen3-0.6B', endpoint: 'webllm' }], { kiosk: '1', system: 'Be brief.' });
  const qr = page.getByTestId('kiosk-qr');
  await expect(qr).toBeVisible();
  const image = await qr.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0, img.width, img.height);
    return { width: img.width, height: img.height, data: Array.from(ctx.getImageData(0, 0, img.width, img.height).data) };
  });
  const code = jsQR(Uint8ClampedArray.from(image.data), image.width, image.height);
  expect(code).not.toBeNull();
  const link = new URL(code!.data);
  expect(link.origin + link.pathname).toBe(new URL('./', baseURL).href);
  expect(link.searchParams.getAll('panel')).toEqual([`${INSTRUCT}@${sim.url}/vllm/v1`, 'Qwen3-0.6B@webllm']);
  expect(link.searchParams.get('system')).toBe('Be brief.');
  expect(link.searchParams.has('kiosk')).toBe(false);
  // modules across the symbol: 17 + 4 × version; the quiet zone adds 4 on each side
  const modules = 17 + 4 * code!.version + 8;
  expect(image.width / modules).toBeGreaterThanOrEqual(4);
  expect(code!.location.topLeftCorner.x).toBeGreaterThanOrEqual(4 * 4 - 0.5); // the quiet zone: 4 modules of 4 px
});

test('after the idle minutes the conversation and the composer empty; the panels stay; a visitor’s activity postpones it', async ({ page, sim }) => {
  await page.clock.install();
  await page.route('**/playground.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ kiosk: { enabled: true, idleMinutes: 2 } }) }));
  await openApp(page, [{ model: INSTRUCT, endpoint: `${sim.url}/vllm/v1` }]);
  await expect(page.getByRole('button', { name: 'Endpoints', exact: true })).toHaveCount(0); // kiosk from the site file
  await send(page, 'Hi');
  const panel = panels(page).first();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await page.getByTestId('prompt').fill('half-typed');
  // 90 s, a tap, 90 s: never two quiet minutes in a row
  await page.clock.fastForward('01:30');
  await page.getByTestId('prompt').press('End');
  await page.clock.fastForward('01:30');
  await expect(panel.locator('.user-turn')).toHaveCount(1);
  await expect(page.getByTestId('prompt')).toHaveValue('half-typed');
  // then two quiet minutes
  await page.clock.fastForward('00:31');
  await expect(panel.locator('.user-turn')).toHaveCount(0);
  await expect(panel.getByTestId('answer')).toHaveCount(0);
  await expect(page.getByTestId('prompt')).toHaveValue('');
  await expect(panels(page)).toHaveCount(1);
  await expect(page.getByTestId('example-prompt').first()).toBeVisible();
});
