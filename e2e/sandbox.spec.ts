// The javascript tool's sandbox in Chromium: model-written code that tries to get out sees each way fail, and cannot hold the page.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, openApp, panels, test } from './fixtures.ts';

const MODEL = 'Qwen/Qwen3-Next-80B-A3B-Instruct';

/** A server the code tries to reach: it counts every request and upgrade that gets to it. */
async function witness(): Promise<{ url: string; hits: string[]; server: Server }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/javascript' }).end('self.reached = true;');
  });
  server.on('upgrade', (req, socket) => {
    hits.push(`upgrade ${req.url}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
}

/** Code that tries each way out, catches each failure and prints it. */
function escapes(url: string): string {
  return `
const attempts = {
  fetch: () => fetch('${url}/fetch'),
  xhr: () => new Promise((ok, fail) => { const x = new XMLHttpRequest(); x.open('GET', '${url}/xhr'); x.onload = () => ok('loaded'); x.onerror = () => fail(new Error('XHR failed')); x.send(); }),
  websocket: () => new Promise((ok, fail) => { const w = new WebSocket('${url.replace('http', 'ws')}/ws'); w.onopen = () => ok('open'); w.onerror = () => fail(new Error('WebSocket failed')); }),
  eventsource: () => new Promise((ok, fail) => { const s = new EventSource('${url}/sse'); s.onopen = () => ok('open'); s.onerror = () => fail(new Error('EventSource failed')); }),
  beacon: () => { if (!navigator.sendBeacon('${url}/beacon', 'x')) throw new Error('sendBeacon refused'); return 'sent'; },
  image: () => new Promise((ok, fail) => { const i = new Image(); i.onload = ok; i.onerror = () => fail(new Error('image failed')); i.src = '${url}/img.png'; }),
  importScripts: () => importScripts('${url}/script.js'),
  dynamicImport: () => import('${url}/module.js'),
  parent: () => parent.document.title,
  top: () => top.location.href,
  indexedDB: () => new Promise((ok, fail) => { const r = indexedDB.open('qwen-playground'); r.onsuccess = () => ok('opened'); r.onerror = () => fail(r.error); }),
  cookies: () => document.cookie,
  localStorage: () => localStorage.getItem('x'),
  linkClick: () => { const a = document.createElement('a'); a.href = '${url}/link'; a.click(); return 'clicked'; },
  hugeAllocation: () => new Uint8Array(2 ** 40).length,
};
for (const [name, attempt] of Object.entries(attempts)) {
  try {
    const value = await Promise.race([attempt(), new Promise((_, fail) => setTimeout(() => fail(new Error('no answer')), 1500))]);
    console.log(name + ': ESCAPED ' + String(value));
  } catch (err) {
    console.log(name + ': blocked (' + (err && err.name) + ')');
  }
}
return 'tried ' + Object.keys(attempts).length;
`;
}

test('code that tries every way out sees each one fail, and nothing reaches the network', async ({ page, sim }) => {
  const target = await witness();
  try {
    // the browser may begin a request that its policy then refuses; none may complete
    const completed: string[] = [];
    page.on('requestfinished', (r) => r.url().startsWith(target.url) && completed.push(r.url()));
    const prompt = 'Run this:\n```js\n' + escapes(target.url) + '```';
    await openApp(page, [{ model: MODEL, endpoint: `${sim.url}/vllm,use=javascript/v1`, server: 'vllm' }], { tools: 'javascript', prompt, send: '1' });
    const panel = panels(page).first();
    await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    const step = panel.getByTestId('tool-step');
    await expect(step).toHaveAttribute('data-name', 'javascript');
    const result = (await step.getByTestId('tool-result').textContent()) ?? '';
    for (const name of ['fetch', 'xhr', 'websocket', 'eventsource', 'beacon', 'image', 'importScripts', 'dynamicImport', 'parent', 'top', 'indexedDB', 'cookies', 'localStorage', 'linkClick', 'hugeAllocation'])
      expect(result, name).toContain(`${name}: blocked (`);
    expect(result).not.toContain('ESCAPED');
    expect(result).toContain('Result: tried 15');
    expect(target.hits).toEqual([]);
    expect(completed).toEqual([]);
    // the result went back to the model, which answered from it
    await expect(panel.getByTestId('answer').last()).toContainText('fetch: blocked');
  } finally {
    target.server.close();
  }
});

test('an endless loop ends at the time limit while the page keeps drawing; the result says so', async ({ page, sim }) => {
  const prompt = 'Loop:\n```js\nconsole.log("before"); while (true) {}\n```';
  await openApp(page, [{ model: MODEL, endpoint: `${sim.url}/vllm,use=javascript/v1`, server: 'vllm' }], { tools: 'javascript', prompt, send: '1' });
  const panel = panels(page).first();
  await expect(panel.getByTestId('tool-step')).toHaveAttribute('data-state', 'running');
  // frames drawn in one second while the loop runs: a held page draws none
  const frames = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let n = 0;
        const end = performance.now() + 1000;
        const tick = () => (performance.now() < end ? (n++, requestAnimationFrame(tick)) : resolve(n));
        requestAnimationFrame(tick);
      }),
  );
  expect(frames).toBeGreaterThan(10);
  await expect(panel.getByTestId('tool-step')).toHaveAttribute('data-state', 'error', { timeout: 15_000 });
  await expect(panel.getByTestId('tool-result')).toContainText('before');
  await expect(panel.getByTestId('tool-result')).toContainText('longer than 5 s');
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  // the frame that ran it is gone
  await expect(page.locator('iframe[title="Code sandbox"]')).toHaveCount(0);
});

test('stop ends a running tool at once', async ({ page, sim }) => {
  const prompt = 'Loop:\n```js\nwhile (true) {}\n```';
  await openApp(page, [{ model: MODEL, endpoint: `${sim.url}/vllm,use=javascript/v1`, server: 'vllm' }], { tools: 'javascript', prompt, send: '1' });
  const panel = panels(page).first();
  await expect(panel.getByTestId('tool-step')).toHaveAttribute('data-state', 'running');
  await panel.getByTestId('stop').click();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'stopped');
  await expect(panel.getByTestId('tool-step')).toHaveAttribute('data-state', 'error');
  await expect(page.locator('iframe[title="Code sandbox"]')).toHaveCount(0);
});

test('the value of the last expression and the console output come back; an error is the error', async ({ page, sim }) => {
  const prompt = 'Run:\n```js\nconsole.log("sum", 1 + 2); const o = { a: [1, 2] }; o\n```';
  await openApp(page, [{ model: MODEL, endpoint: `${sim.url}/vllm,use=javascript/v1`, server: 'vllm' }], { tools: 'javascript', prompt, send: '1' });
  const result = panels(page).first().getByTestId('tool-result');
  await expect(result).toContainText('Console output:\nsum 3');
  await expect(result).toContainText('Result: {\n  "a": [\n    1,\n    2\n  ]\n}');
});

test('a code cell can be edited and run again by the person', async ({ page, sim }) => {
  const prompt = 'Run:\n```js\n6 * 7\n```';
  await openApp(page, [{ model: MODEL, endpoint: `${sim.url}/vllm,use=javascript/v1`, server: 'vllm' }], { tools: 'javascript', prompt, send: '1' });
  const panel = panels(page).first();
  await expect(panel.getByTestId('tool-result')).toHaveText('Result: 42');
  await panel.getByTestId('cell-edit').click();
  await panel.getByTestId('cell-code').fill('console.log("again"); 6 * 8');
  await panel.getByTestId('cell-run').click();
  await expect(panel.getByTestId('cell-output')).toHaveText('Console output:\nagain\n\nResult: 48');
  // the model's record stays as it was
  await expect(panel.getByTestId('tool-result')).toHaveText('Result: 42');
});

test('a result is untrusted text rendered like an answer: its table reads as a table, its HTML stays text and never runs', async ({ page, sim }) => {
  const row = '| tool | says |\\n|---|---|\\n| calculator | 42 |';
  const prompt = 'Run:\n```js\nconsole.log("<img src=x onerror=\\"window.pwned = 1\\"> **done**\\n\\n' + row + '"); "<script>window.pwned = 2</script>"\n```';
  await openApp(page, [{ model: MODEL, endpoint: `${sim.url}/vllm,use=javascript/v1`, server: 'vllm' }], { tools: 'javascript', prompt, send: '1' });
  const panel = panels(page).first();
  await expect(panel.getByTestId('status')).toHaveAttribute('data-state', 'done');
  const result = panel.getByTestId('tool-result');
  await expect(result.locator('table td')).toHaveText(['calculator', '42']);
  await expect(result.locator('strong')).toHaveText('done');
  await expect(result).toContainText('<img src=x onerror="window.pwned = 1">');
  await expect(result).toContainText('<script>window.pwned = 2</script>');
  await expect(result.locator('img, script, [onerror]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
});
