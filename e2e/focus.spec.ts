// Where the keyboard goes: the prompt has focus at load and after a dialog closes (not on a touch-only device).
import { expect, openApp, test } from './fixtures.ts';

const MODEL = 'Qwen/Qwen3-Next-80B-A3B-Instruct';

test('a visitor who types first types into the prompt', async ({ page, sim }) => {
  await openApp(page, [{ model: MODEL, endpoint: `${sim.url}/v1` }]);
  await expect(page.getByTestId('prompt')).toBeFocused();
  await page.keyboard.type('Hello there');
  await expect(page.getByTestId('prompt')).toHaveValue('Hello there');
});

test('the prompt gets focus back when a dialog or the history closes', async ({ page, sim }) => {
  await openApp(page, [{ model: MODEL, endpoint: `${sim.url}/v1` }]);
  const prompt = page.getByTestId('prompt');

  await page.getByRole('button', { name: 'Endpoints' }).click();
  await expect(page.getByRole('dialog', { name: 'Endpoints' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(prompt).toBeFocused();

  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.getByRole('button', { name: 'Close' }).click();
  await expect(help).toBeHidden();
  await expect(prompt).toBeFocused();

  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(prompt).toBeFocused();

  await page.getByRole('button', { name: 'History' }).click();
  await page.getByRole('button', { name: 'Close the history' }).click();
  await expect(prompt).toBeFocused();
  await page.keyboard.type('next');
  await expect(prompt).toHaveValue('next');
});

test('Esc with nothing running leaves the prompt, so that the letter shortcuts work', async ({ page, sim }) => {
  await openApp(page, [{ model: MODEL, endpoint: `${sim.url}/v1` }]);
  await expect(page.getByTestId('prompt')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('prompt')).not.toBeFocused();
  await page.keyboard.press('r');
  await expect(page.getByTestId('trace')).toBeVisible();
  await expect(page.getByTestId('prompt')).toHaveValue('');
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 412, height: 839 }, deviceScaleFactor: 2.6, isMobile: true, hasTouch: true });

  test('the prompt waits for a tap: focus would open the on-screen keyboard over the page', async ({ page, sim }) => {
    await openApp(page, [{ model: MODEL, endpoint: `${sim.url}/v1` }]);
    expect(await page.evaluate(() => matchMedia('(hover: none) and (pointer: coarse)').matches)).toBe(true);
    await expect(page.getByTestId('prompt')).not.toBeFocused();
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).tap();
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).getByRole('button', { name: 'Close' }).tap();
    await expect(page.getByRole('dialog')).toBeHidden();
    await expect(page.getByTestId('prompt')).not.toBeFocused();
  });
});
