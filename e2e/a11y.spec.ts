// Every text readable: axe-core finds no violation on the empty page and on a finished comparison, in light and dark.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, openApp, panels, send, test } from './fixtures.ts';

const THINKING = 'Qwen/Qwen3-Next-80B-A3B-Thinking';
const INSTRUCT = 'Qwen/Qwen3-Next-80B-A3B-Instruct';

/** What an answer holds at its richest: a heading, emphasis, a list, a table, a link, inline and fenced code. */
const MARKDOWN = [
  '## A short report',
  '',
  'Read **the docs** at [the Qwen site](https://qwen.ai/) or `npm run demo`, *then* compare.',
  '',
  '- one',
  '- two',
  '',
  '| model | tokens/s |',
  '|---|---|',
  '| Instruct | 120 |',
  '',
  '```ts',
  'const speed = (tokens - 1) / seconds; // a comment',
  '```',
].join('\n');

/** The violations axe-core finds, as short lines that say where (an empty list is the goal). */
async function violations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ')}`));
}

for (const scheme of ['dark', 'light'] as const) {
  test.describe(`${scheme} theme`, () => {
    test.use({ colorScheme: scheme });
    // axe-core reads every node's colours and layout: seconds of work for a busy 2-core machine
    test.slow();

    test('the empty page has no accessibility violation', async ({ page, sim }) => {
      await openApp(page, [{ model: INSTRUCT, endpoint: `${sim.url}/v1` }]);
      await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
      expect(await violations(page)).toEqual([]);
      await page.getByTestId('prompt').fill('Hello'); // Send, enabled
      await expect(page.getByTestId('send')).toBeEnabled();
      expect(await violations(page)).toEqual([]);
    });

    test('answers as they stream (the status, Stop) have no accessibility violation', async ({ page, sim }) => {
      await openApp(page, [
        { model: THINKING, endpoint: `${sim.url}/vllm,tps=5,reasoning=400/v1` },
        { model: INSTRUCT, endpoint: `${sim.url}/vllm,tps=5,ttft=60/v1` },
        { model: INSTRUCT, endpoint: `${sim.url}/vllm,ttft=60000/v1` },
      ]);
      await send(page, 'Why is Qwen3-Next fast?');
      await expect(panels(page).nth(0).getByTestId('status')).toHaveAttribute('data-state', 'thinking');
      await expect(panels(page).nth(1).getByTestId('status')).toHaveAttribute('data-state', 'answering');
      await expect(panels(page).nth(2).getByTestId('status')).toHaveAttribute('data-state', 'waiting');
      await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });

    test('a comparison with reasoning, markdown, a table, a link, code and a failure has no accessibility violation', async ({ page, sim }) => {
      await openApp(page, [
        { model: THINKING, endpoint: `${sim.url}/vllm,echo=1/v1` },
        { model: INSTRUCT, endpoint: `${sim.url}/sglang/v1`, server: 'sglang' },
        { model: INSTRUCT, endpoint: `${sim.url}/vllm,fault=500/v1` },
      ]);
      await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
      await send(page, MARKDOWN);
      for (const panel of await panels(page).all())
        await expect(panel.getByTestId('status')).toHaveAttribute('data-state', /^(done|error)$/);
      const first = panels(page).first();
      await expect(first.getByTestId('answer').locator('a[href="https://qwen.ai/"]')).toBeVisible();
      await expect(first.getByTestId('answer').locator('table')).toBeVisible();
      await expect(first.getByTestId('answer').locator('pre code')).toBeVisible();
      await first.locator('.reasoning-head').click(); // the trace, unfolded
      await expect(first.locator('.reasoning-text')).toBeVisible();
      await page.getByRole('button', { name: 'Trace' }).click();
      await expect(page.getByTestId('trace')).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });
  });
}
