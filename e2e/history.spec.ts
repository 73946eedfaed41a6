// A person never loses a comparison: reloads mid-stream, reopens from the history, exports, imports, shares.
import { readFile } from 'node:fs/promises';
import { expect, holdStorage, metric, openApp, panels, send, slowStorage, test } from './fixtures.ts';

const THINKING = 'Qwen/Qwen3-Next-80B-A3B-Thinking';
const INSTRUCT = 'Qwen/Qwen3-Next-80B-A3B-Instruct';

test('a reload mid-stream: the comparison comes back, the cut-off run marked interrupted with its text', async ({ page, sim }) => {
  await openApp(page, [
    { model: INSTRUCT, endpoint: `${sim.url}/vllm,tps=15,answer=400/v1` },
    { model: THINKING, endpoint: `${sim.url}/sglang/v1` },
  ]);
  await send(page, 'Why is Qwen3-Next fast?');
  const [slow, fast] = [panels(page).nth(0), panels(page).nth(1)];
  await expect(fast.getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(slow.getByTestId('status')).toHaveAttribute('data-state', 'answering');
  await expect(slow.getByTestId('answer')).toContainText('Qwen3-Next');
  // reload once a save holds the first words of the run still streaming
  const savedSoFar = () =>
    page.evaluate(
      (model) =>
        new Promise<string>((resolve) => {
          const open = indexedDB.open('qwen-playground');
          open.onsuccess = () => {
            const tx = open.result.transaction(['runs', 'events']);
            tx.objectStore('runs').getAll().onsuccess = ({ target }) => {
              const run = (target as IDBRequest<{ id: string; model: string }[]>).result.find((r) => r.model === model);
              if (!run) return resolve('');
              tx.objectStore('events').getAll(IDBKeyRange.bound([run.id, 0], [run.id, Infinity])).onsuccess = ({ target }) =>
                resolve(
                  (target as IDBRequest<{ events: { type: string; text?: string }[] }[]>).result
                    .flatMap((batch) => batch.events)
                    .map((e) => (e.type === 'content' ? e.text : ''))
                    .join(''),
                );
            };
          };
        }),
      INSTRUCT,
    );
  await expect.poll(savedSoFar).toContain('Qwen3-Next');
  const fastAnswer = await fast.getByTestId('answer').innerText();
  await page.reload();

  await expect(panels(page)).toHaveCount(2);
  await expect(panels(page).nth(0)).toHaveAttribute('data-model', INSTRUCT);
  await expect(page.locator('.user-turn')).toHaveText(['Why is Qwen3-Next fast?', 'Why is Qwen3-Next fast?']);
  await expect(slow.getByTestId('status')).toHaveAttribute('data-state', 'interrupted');
  await expect(slow.getByTestId('interrupted')).toContainText('What arrived is kept');
  await expect(slow.getByTestId('answer')).toContainText('Qwen3-Next');
  await expect(fast.getByTestId('status')).toHaveAttribute('data-state', 'done');
  // a reopened answer fills in with its final render, in idle time after the first frames
  await expect(fast.getByTestId('answer')).toHaveAttribute('data-final', 'true');
  expect(await fast.getByTestId('answer').innerText()).toBe(fastAnswer);
  await expect(fast.getByTestId('reasoning')).toContainText('The user asks');
  // the reload did not send again, and the slow panel can be asked again
  await slow.getByTestId('regenerate').click();
  await expect(slow.getByTestId('status')).toHaveAttribute('data-state', 'answering');
});

test('storage that answers late still brings the last comparison back', async ({ page, sim }) => {
  await openApp(page, [{ model: INSTRUCT, endpoint: `${sim.url}/vllm/v1` }]);
  await send(page, 'A question worth keeping');
  await expect(panels(page).nth(0).getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(page).not.toHaveURL(/panel=/); // saved: a reload now reopens it
  await slowStorage(page, 2500);
  await page.reload();
  // the page does not wait that long: a fresh panel first, then the comparison once storage answers
  await expect(page.getByTestId('prompt')).toBeVisible();
  await expect(page.locator('.user-turn')).toHaveText(['A question worth keeping']);
  await expect(panels(page)).toHaveCount(1);
  await expect(panels(page).nth(0)).toHaveAttribute('data-model', INSTRUCT);
  await expect(panels(page).nth(0).getByTestId('status')).toHaveAttribute('data-state', 'done');
});

test('storage that answers late does not replace a setup the person has begun; the comparison waits in History', async ({ page, sim }) => {
  await openApp(page, [{ model: INSTRUCT, endpoint: `${sim.url}/vllm/v1` }]);
  await send(page, 'A question worth keeping');
  await expect(panels(page).nth(0).getByTestId('status')).toHaveAttribute('data-state', 'done');
  await expect(page).not.toHaveURL(/panel=/);
  const openStorage = await holdStorage(page);
  await page.reload();
  await expect(page.getByTestId('prompt')).toBeVisible();
  // nothing known yet: the start card, where the person begins a setup of their own
  await expect(page.getByTestId('start-card')).toBeVisible();
  await page.getByRole('button', { name: 'Add a panel' }).click();
  await expect(panels(page)).toHaveCount(1);
  // storage answers only now, after the person began: History shows the comparison, the page leaves it there
  await openStorage();
  await page.getByRole('button', { name: 'History' }).click();
  await expect(page.getByTestId('history').getByTestId('history-item').locator('.title')).toHaveText(['A question worth keeping']);
  await page.waitForTimeout(1000); // a reopen waits up to 500 ms for the endpoints before it shows
  await expect(panels(page)).toHaveCount(1);
  await expect(page.locator('.user-turn')).toHaveCount(0);
});

test('export JSON, then import it: the same comparison, numbers and trace included', async ({ page, sim }) => {
  await openApp(page, [
    { model: THINKING, endpoint: `${sim.url}/vllm/v1` },
    { model: INSTRUCT, endpoint: `${sim.url}/sglang/v1`, server: 'sglang' },
  ]);
  await send(page, 'Compare the two variants');
  for (const i of [0, 1]) await expect(panels(page).nth(i).getByTestId('status')).toHaveAttribute('data-state', 'done');
  const before = {
    answers: await panels(page).getByTestId('answer').allInnerTexts(),
    ttft: await metric(panels(page).nth(0), 'ttft'),
    tokens: await metric(panels(page).nth(1), 'tokens'),
  };

  const historyButton = page.getByRole('button', { name: 'History' });
  await historyButton.click();
  const sidebar = page.getByTestId('history');
  await expect(sidebar.getByTestId('history-item')).toHaveCount(1);
  const downloading = page.waitForEvent('download');
  await sidebar.getByRole('button', { name: /Export .* as JSON/ }).click();
  const file = await downloading;
  expect(file.suggestedFilename()).toBe('compare-the-two-variants.json');
  const json = await readFile((await file.path())!, 'utf8');
  expect(JSON.parse(json)).toMatchObject({ format: 'qwen-playground/comparison', version: 1, comparison: { turns: ['Compare the two variants'] } });

  await sidebar.getByRole('button', { name: 'New comparison' }).click();
  await expect(page.locator('.user-turn')).toHaveCount(0);
  await historyButton.click();
  await sidebar.getByLabel('Import a JSON export').setInputFiles({ name: 'export.json', mimeType: 'application/json', buffer: Buffer.from(json) });
  await expect(sidebar).toBeHidden();
  // the replayed answers reach the screen in the next frames, their final renders in idle time after them
  for (const i of [0, 1]) await expect(panels(page).nth(i).getByTestId('answer')).toHaveAttribute('data-final', 'true');
  expect(await panels(page).getByTestId('answer').allInnerTexts()).toEqual(before.answers);
  expect(await metric(panels(page).nth(0), 'ttft')).toBe(before.ttft);
  expect(await metric(panels(page).nth(1), 'tokens')).toBe(before.tokens);
  await page.getByRole('button', { name: 'Trace' }).click();
  await expect(page.getByTestId('trace').getByRole('img', { name: /Qwen3-Next-80B-A3B-Thinking: waiting [\d.]+ s, thinking [\d.]+ s, answering [\d.]+ s, done/ })).toBeVisible();
  await historyButton.click();
  await expect(sidebar.getByTestId('history-item')).toHaveCount(2);

  // a file that is not an export is refused with a reason
  await sidebar.getByLabel('Import a JSON export').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello":1}') });
  await expect(sidebar.getByRole('alert')).toContainText('not a Qwen Playground export');
});

test('the history: search, reopen, rename, Markdown export, delete', async ({ page, sim }) => {
  await openApp(page, [{ model: INSTRUCT, endpoint: `${sim.url}/vllm/v1` }]);
  await send(page, 'First question about penguins');
  await expect(panels(page).first().getByTestId('status')).toHaveAttribute('data-state', 'done');
  const historyButton = page.getByRole('button', { name: 'History' });
  await historyButton.click();
  const sidebar = page.getByTestId('history');
  await sidebar.getByRole('button', { name: 'New comparison' }).click();
  await send(page, 'Second question about volcanoes');
  await expect(panels(page).first().getByTestId('status')).toHaveAttribute('data-state', 'done');

  await historyButton.click();
  const items = sidebar.getByTestId('history-item');
  await expect(items.locator('.title')).toHaveText(['Second question about volcanoes', 'First question about penguins']);
  await sidebar.getByLabel('Search the history').fill('penguins');
  await expect(items.locator('.title')).toHaveText(['First question about penguins']);
  // answers are searched too: the simulated answer mentions the KV cache
  await sidebar.getByLabel('Search the history').fill('kv cache');
  await expect(items).toHaveCount(2);
  await sidebar.getByLabel('Search the history').fill('');

  await items.nth(1).getByRole('button', { name: /^Rename/ }).click();
  await items.nth(1).getByLabel('New name').fill('MoE notes');
  await items.nth(1).getByRole('button', { name: 'Save' }).click();
  await expect(items.nth(1).locator('.title')).toHaveText('MoE notes');

  await items.nth(1).getByRole('button', { name: /^MoE notes/ }).click();
  await expect(sidebar).toBeHidden();
  await expect(page.locator('.user-turn')).toHaveText(['First question about penguins']);
  await expect(panels(page).first().getByTestId('status')).toHaveAttribute('data-state', 'done');

  await historyButton.click();
  const downloading = page.waitForEvent('download');
  const moe = items.filter({ hasText: 'MoE notes' });
  await moe.getByRole('button', { name: /as Markdown/ }).click();
  const md = await readFile((await (await downloading).path())!, 'utf8');
  expect(md).toContain('# MoE notes');
  expect(md).toContain('| Status | done |');

  // Delete asks first; Esc takes the question back, focus on Delete again
  await moe.getByRole('button', { name: 'Delete MoE notes' }).click();
  await expect(moe.getByRole('button', { name: 'Confirm deleting MoE notes' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(moe.getByRole('button', { name: 'Delete MoE notes' })).toBeFocused();
  await expect(sidebar).toBeVisible();
  // so does looking elsewhere
  await moe.getByRole('button', { name: 'Delete MoE notes' }).click();
  await sidebar.getByLabel('Search the history').click();
  await expect(moe.getByRole('button', { name: 'Delete MoE notes' })).toBeVisible();
  // a person takes a moment to answer: the question stays until they do, or look elsewhere
  await moe.getByRole('button', { name: 'Delete MoE notes' }).click();
  await page.waitForTimeout(600);
  await moe.getByRole('button', { name: 'Confirm deleting MoE notes' }).click();
  await expect(items).toHaveCount(1);
  await expect(page.locator('.user-turn')).toHaveCount(0);
});

test('share copies a link to the setup, never the key, and the link opens the same setup', async ({ page, sim, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page, [
    { model: THINKING, endpoint: `${sim.url}/sglang/v1`, server: 'sglang' },
    { model: INSTRUCT, endpoint: `${sim.url}/vllm/v1` },
  ]);
  await panels(page).first().getByLabel('API key').fill('sk-typed-secret');
  await page.getByRole('button', { name: 'System' }).click();
  await page.getByLabel('System prompt').fill('Answer in one line.');
  await page.getByTestId('prompt').fill('A question to share');
  await page.getByTestId('share').click();
  await expect(page.getByTestId('share')).toHaveText('Link copied');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).not.toContain('sk-typed-secret');

  const other = await context.newPage();
  await other.goto(link);
  await expect(panels(other)).toHaveCount(2);
  await expect(panels(other).nth(0)).toHaveAttribute('data-model', THINKING);
  await expect(panels(other).nth(1)).toHaveAttribute('data-model', INSTRUCT);
  await expect(other.getByTestId('prompt')).toHaveValue('A question to share');
  await expect(other.getByLabel('System prompt')).toHaveValue('Answer in one line.');
  await expect(panels(other).nth(0).getByLabel('Server')).toHaveValue('sglang');
  await expect(panels(other).nth(0).getByLabel('API key')).toHaveValue('');
});

test('the theme a person picks outlives the page', async ({ page, sim }) => {
  await openApp(page, [{ model: INSTRUCT, endpoint: `${sim.url}/vllm/v1` }]);
  const html = page.locator('html');
  const before = await html.getAttribute('data-theme');
  await page.getByRole('button', { name: /Switch to (light|dark) theme/ }).click();
  const chosen = before === 'dark' ? 'light' : 'dark';
  await expect(html).toHaveAttribute('data-theme', chosen);
  // the choice is written to IndexedDB; reload once it is there
  const saved = () =>
    page.evaluate(
      () =>
        new Promise((resolve) => {
          const open = indexedDB.open('qwen-playground');
          open.onsuccess = () => {
            const get = open.result.transaction('settings').objectStore('settings').get('pref:theme');
            get.onsuccess = () => resolve(get.result);
          };
        }),
    );
  await expect.poll(saved).toBe(chosen);
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', chosen);

  // a busy machine: storage answers only after the page has been shown in the system's theme
  await slowStorage(page, 1000);
  await page.reload();
  await expect(page.getByTestId('prompt')).toBeVisible();
  await expect(html).toHaveAttribute('data-theme', chosen);
});
