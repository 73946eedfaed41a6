// In-browser models in Chromium without a WebGPU adapter: one clear sentence, and remote panels unaffected.
import type { Page } from '@playwright/test';
import { expect, metric, openApp, panels, send, test } from './fixtures.ts';

/** Opens a saved in-browser answer, as an export file would bring it back: its events replay as they streamed. */
async function importSaved(page: Page, model: string, events: object[]): Promise<void> {
  const endpoint = { baseURL: 'webllm', dialect: 'webllm' };
  const now = Date.now();
  const comparison = { id: 'loaded', title: 'Hello', createdAt: now, updatedAt: now, system: '', turns: ['Hello'], settings: { stallTimeoutS: 120 }, panels: [{ key: 'p1', model, endpoint, thinking: 'default', params: {} }] };
  const run = { id: 'loaded/p1/0', comparisonId: 'loaded', panelKey: 'p1', turn: 0, model, endpoint, thinking: 'default', params: {}, startedAt: now, updatedAt: now, status: 'done', answer: 'Hello there.', reasoning: '', toolCalls: [], errorMessage: null, metrics: null, eventCount: events.length };
  const file = { format: 'qwen-playground/comparison', version: 1, exportedAt: new Date(now).toISOString(), comparison, runs: [{ run, events }] };
  await openApp(page, [{ model, endpoint: 'webllm' }]);
  await page.getByRole('button', { name: 'History' }).click();
  await page.getByTestId('history').getByLabel('Import a JSON export').setInputFiles({ name: 'export.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
}

test.describe('without WebGPU', () => {
  test('an in-browser panel says why in one sentence, and a remote panel beside it answers', async ({ page, sim }) => {
    await openApp(page, [
      { model: 'Qwen3-0.6B-q4f16_1-MLC', endpoint: 'webllm' },
      { model: 'Qwen/Qwen3-Next-80B-A3B-Instruct', endpoint: `${sim.url}/vllm/v1` },
    ]);
    const [local, remote] = [panels(page).nth(0), panels(page).nth(1)];
    await expect(local.getByTestId('device-message')).toContainText('WebGPU is here but found no usable GPU');
    await send(page, 'Hello');
    await expect(local.getByTestId('error')).toHaveText(/^WebGPU is here but found no usable GPU .*Chrome or Edge 113\+.*Remote models still work\.$/);
    await expect(remote.getByTestId('status')).toHaveAttribute('data-state', 'done');
    await expect(remote.getByTestId('answer')).not.toBeEmpty();
    // the failed panel is usable again: a second send gives the same clear answer, nothing hangs
    await send(page, 'Again');
    await expect(local.getByTestId('status').last()).toHaveAttribute('data-state', 'error');
    await expect(remote.getByTestId('status').last()).toHaveAttribute('data-state', 'done');
  });

  test('a panel switches to "In this browser" and back to its server', async ({ page, sim }) => {
    const endpoint = `${sim.url}/vllm/v1`;
    await openApp(page, [{ model: 'Qwen/Qwen3-Next-80B-A3B-Instruct', endpoint }]);
    const panel = panels(page).first();
    await panel.getByTestId('runs-on').selectOption('browser');
    await expect(panel.getByTestId('device-message')).toContainText('found no usable GPU');
    await expect(panel.getByLabel('Base URL')).toHaveCount(0);
    await panel.getByTestId('runs-on').selectOption('server');
    await expect(panel.getByLabel('Base URL')).toHaveValue(endpoint);
    await expect(panel.getByLabel('Model', { exact: true })).toHaveValue('Qwen/Qwen3-Next-80B-A3B-Instruct');
  });

  test('an in-browser answer shows how long its model took to load: in its numbers, the trace table and first on the timeline', async ({ page }) => {
    // a saved answer as a live one records it: the model loads for 6 s, then the answer's own clock starts
    const model = 'Qwen3-0.6B-q4f32_1-MLC';
    const events = [
      { type: 'progress', progress: { phase: 'fetching', fraction: 0.1, message: 'Downloading' }, at: 5 },
      { type: 'progress', progress: { phase: 'compiling', fraction: null, message: 'Compiling' }, at: 4000 },
      { type: 'progress', progress: { phase: 'ready', fraction: 1, message: 'Ready' }, at: 6000 },
      { type: 'content', text: 'Hello', seq: 1, at: 6150 },
      { type: 'content', text: ' there.', seq: 2, at: 6250 },
      { type: 'done', finishReason: 'stop', at: 6300 },
    ];
    await importSaved(page, model, events);
    const panel = panels(page).first();
    await expect(panel.getByTestId('answer')).toHaveText('Hello there.');
    expect(await metric(panel, 'load')).toBe(6000);
    await expect(panel.getByTestId('metric-load')).toHaveText('6.00 s');
    expect(await metric(panel, 'ttft')).toBe(150);

    const trace = page.getByTestId('trace');
    if (!(await trace.isVisible())) await page.getByRole('button', { name: 'Trace' }).click();
    await expect(trace.getByRole('img', { name: `${model}: loading 6.00 s, waiting 0.15 s, answering 0.15 s, done` })).toBeVisible();
    await expect(trace.getByTestId('timeline')).toContainText('loading the model');
    await expect(trace.getByTestId('metrics-table').getByRole('row', { name: /^Model load/ })).toContainText('6.00 s');
    await expect(trace.getByTestId('timeline')).toContainText('6.30 s');
  });

  test('an in-browser answer that queued behind another shows the wait apart from the load', async ({ page }) => {
    // a second model that did not fit beside the first: queued 3 s, then loaded for 6 s
    const model = 'Qwen3-4B-q4f32_1-MLC';
    await importSaved(page, model, [
      { type: 'progress', progress: { phase: 'queued', fraction: null, message: 'Queued' }, at: 2 },
      { type: 'progress', progress: { phase: 'starting', fraction: null, message: 'Starting' }, at: 3000 },
      { type: 'progress', progress: { phase: 'fetching', fraction: 0.1, message: 'Downloading' }, at: 3100 },
      { type: 'progress', progress: { phase: 'ready', fraction: 1, message: 'Ready' }, at: 9000 },
      { type: 'content', text: 'Hello there.', seq: 1, at: 9150 },
      { type: 'done', finishReason: 'stop', at: 9300 },
    ]);
    const panel = panels(page).first();
    await expect(panel.getByTestId('answer')).toHaveText('Hello there.');
    expect(await metric(panel, 'queued')).toBe(3000);
    expect(await metric(panel, 'load')).toBe(6000);
    expect(await metric(panel, 'ttft')).toBe(150);
    const trace = page.getByTestId('trace');
    if (!(await trace.isVisible())) await page.getByRole('button', { name: 'Trace' }).click();
    await expect(trace.getByRole('img', { name: `${model}: queued 3.00 s, loading 6.00 s, waiting 0.15 s, answering 0.15 s, done` })).toBeVisible();
    await expect(trace.getByTestId('timeline')).toContainText('queued behind another in-browser answer');
    await expect(trace.getByTestId('metrics-table').getByRole('row', { name: /^Queued/ })).toContainText('3.00 s');
  });
});
