// Test fixtures: a simulated inference server per worker (stopped at the end), and helpers to read a panel.
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { startSim, type SimServer } from './sim/server.ts';
import type { SimOptions } from './sim/options.ts';

export const FAST: Partial<SimOptions> = { ttftMs: 60, tps: 400, reasoningTokens: 40 };

export const test = base.extend<object, { sim: SimServer }>({
  sim: [
    async ({}, use) => {
      const sim = await startSim(FAST);
      await use(sim);
      await sim.close();
    },
    { scope: 'worker' },
  ],
});

export { expect };

export interface LinkPanel {
  model: string;
  /** base URL, e.g. `${sim.url}/sglang/v1` */
  endpoint: string;
  server?: string;
}

/** From the next load on, IndexedDB opens `ms` late, as on a busy machine or behind another tab's upgrade. */
export async function slowStorage(page: Page, ms: number): Promise<void> {
  await delayStorage(page, ms);
}

/**
 * From the next load on, IndexedDB does not open until the test says so: for checks that must not hang on how fast
 * the machine reaches a step. Call the returned function to let storage answer.
 */
export async function holdStorage(page: Page): Promise<() => Promise<void>> {
  await delayStorage(page, null);
  return () => page.evaluate(() => (window as unknown as { __openStorage(): void }).__openStorage());
}

/** Delays each successful IndexedDB open by `ms`, or until `window.__openStorage()` where `ms` is null. */
async function delayStorage(page: Page, ms: number | null): Promise<void> {
  await page.addInitScript((ms) => {
    const held: (() => void)[] = [];
    let opened = false;
    (window as unknown as { __openStorage(): void }).__openStorage = () => {
      opened = true;
      for (const answer of held.splice(0)) answer();
    };
    const later = (answer: () => void) => {
      if (ms !== null) setTimeout(answer, ms);
      else if (opened) answer();
      else held.push(answer);
    };
    const open = indexedDB.open.bind(indexedDB);
    indexedDB.open = (...args: Parameters<IDBFactory['open']>) => {
      const request = open(...args);
      const listen = request.addEventListener.bind(request);
      request.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) =>
        listen(type, type === 'success' ? (e: Event) => later(() => listener(e)) : listener, options)) as typeof request.addEventListener;
      return request;
    };
  }, ms);
}

/** Opens the app through its deep link. */
export async function openApp(page: Page, panels: LinkPanel[], extra: Record<string, string> = {}): Promise<void> {
  const q = new URLSearchParams();
  for (const p of panels) q.append('panel', `${p.model}@${p.endpoint}`);
  if (panels.some((p) => p.server)) q.set('servers', panels.map((p) => p.server ?? '').join(','));
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  await page.goto(`./?${q}`);
  // the app mounts once it has read its saved state: keys pressed before that would go nowhere
  await page.getByTestId('prompt').waitFor();
}

export function panels(page: Page): Locator {
  return page.getByTestId('panel');
}

export async function send(page: Page, prompt: string): Promise<void> {
  await page.getByTestId('prompt').fill(prompt);
  await page.getByTestId('prompt').press('Enter');
}

export async function metric(panel: Locator, name: string): Promise<number> {
  const value = await panel.getByTestId(`metric-${name}`).last().getAttribute('data-value');
  return Number(value);
}
