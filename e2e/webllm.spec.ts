// In-browser models in Chromium without a WebGPU adapter: one clear sentence, and remote panels unaffected.
import { expect, openApp, panels, send, test } from './fixtures.ts';

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
});
