// MCP servers in the page: add one and switch its tools, a server that refuses the page (CORS) and the proxy that fixes it, &mcp= at load.
import type { Page } from '@playwright/test';
import { startProxy, type ProxyServer } from '../scripts/proxy-server.ts';
import { expect, openApp, test } from './fixtures.ts';
import { startMcpServer, TEST_TOOLS, type McpTestServer } from './mcp/server.ts';

let open: McpTestServer;
let closed: McpTestServer;
let proxy: ProxyServer;

test.beforeAll(async ({}, info) => {
  const appOrigin = new URL(info.project.use.baseURL!).origin;
  [open, closed] = await Promise.all([startMcpServer({ name: 'open-tools', cors: true }), startMcpServer({ name: 'closed-tools', cors: false })]);
  proxy = await startProxy({ upstreams: {}, mcp: { tools: closed.url }, origins: [appOrigin] });
});
test.afterAll(async () => {
  await Promise.all([open.close(), closed.close(), proxy.close()]);
});

async function addServer(page: Page, url: string, token = ''): Promise<void> {
  await page.getByTestId('open-mcp').click();
  await page.getByTestId('mcp-url').fill(url);
  if (token) await page.getByTestId('mcp-token').fill(token);
  await page.getByTestId('mcp-add').click();
}

const server = (page: Page, url: string) => page.locator(`[data-testid="mcp-server"][data-url="${url}"]`);

test('a server added in the dialog lists its tools with their cost; a tool switched off stays off after a reload', async ({ page }) => {
  await openApp(page, []);
  await addServer(page, open.url);
  const row = server(page, open.url);
  await expect(row).toHaveAttribute('data-status', 'connected');
  await expect(row.getByTestId('mcp-tool')).toHaveCount(TEST_TOOLS.length);
  await expect(row.getByTestId('mcp-summary')).toHaveText(/^6 tools · 6 on · ~\d+ tokens \(estimate\)$/);
  const before = Number(/~(\d+)/.exec((await row.getByTestId('mcp-summary').textContent())!)![1]);

  await row.locator('[data-testid="mcp-tool"][data-name="wait_forever"]').getByRole('checkbox').uncheck();
  await expect(row.getByTestId('mcp-summary')).toHaveText(/6 tools · 5 on/);
  const after = Number(/~(\d+)/.exec((await row.getByTestId('mcp-summary').textContent())!)![1]);
  expect(after).toBeLessThan(before);

  await page.reload();
  await page.getByTestId('open-mcp').click();
  const again = server(page, open.url);
  await expect(again).toHaveAttribute('data-status', 'connected');
  await expect(again.getByTestId('mcp-summary')).toHaveText(/6 tools · 5 on/);
  await expect(again.locator('[data-testid="mcp-tool"][data-name="wait_forever"]').getByRole('checkbox')).not.toBeChecked();

  await again.getByRole('button', { name: /^Remove/ }).click();
  await expect(server(page, open.url)).toHaveCount(0);
});

test('a server that refuses the page says so in one sentence with the proxy command; through the proxy it works', async ({ page, baseURL }) => {
  await openApp(page, []);
  await addServer(page, closed.url);
  const row = server(page, closed.url);
  await expect(row).toHaveAttribute('data-status', 'failed');
  const appOrigin = new URL(baseURL!).origin;
  await expect(row.getByTestId('mcp-problem')).toHaveText(
    `${new URL(closed.url).host} does not allow calls from this page (CORS). Start the proxy: npm run proxy -- --mcp mcp=${closed.url} --origin ${appOrigin}, then add http://127.0.0.1:8787/mcp instead.`,
  );
  // the preflight was refused: the server never saw the request itself
  expect(closed.calls).toEqual([]);

  await page.getByTestId('mcp-url').fill(`${proxy.url}/tools`);
  await page.getByTestId('mcp-add').click();
  const proxied = server(page, `${proxy.url}/tools`);
  await expect(proxied).toHaveAttribute('data-status', 'connected');
  await expect(proxied.getByTestId('mcp-tool')).toHaveCount(TEST_TOOLS.length);
  await expect(proxied).toContainText('closed-tools');
});

test('&mcp= connects the server at load, before anyone opens the dialog, with all its tools on', async ({ page }) => {
  const seen = open.authorizations.length;
  await openApp(page, [], { mcp: open.url });
  await expect.poll(() => open.authorizations.length).toBeGreaterThan(seen);
  await page.getByTestId('open-mcp').click();
  const row = server(page, open.url);
  await expect(row).toHaveAttribute('data-status', 'connected');
  await expect(row.getByTestId('mcp-summary')).toHaveText(/6 tools · 6 on/);
});

test('a bad address is refused before anything is added', async ({ page }) => {
  await openApp(page, []);
  await addServer(page, 'ftp://example.com/mcp');
  await expect(page.getByTestId('mcp-add-problem')).toHaveText('"ftp://example.com/mcp" is not a web address: an MCP server\'s looks like https://host/mcp.');
  await expect(page.getByTestId('mcp-server')).toHaveCount(0);
});

test('an older server (HTTP+SSE) is reached through the fallback', async ({ page }) => {
  const legacy = await startMcpServer({ name: 'older', cors: true, legacySse: true });
  try {
    await openApp(page, []);
    await addServer(page, legacy.url);
    const row = server(page, legacy.url);
    await expect(row).toHaveAttribute('data-status', 'connected');
    await expect(row).toContainText('older SSE transport');
    await expect(row.getByTestId('mcp-tool')).toHaveCount(TEST_TOOLS.length);
  } finally {
    await legacy.close();
  }
});

test('a bearer token not remembered is gone after a reload, and the server says it needs one', async ({ page }) => {
  const locked = await startMcpServer({ name: 'locked', cors: true, token: 'tok-e2e' });
  try {
    await openApp(page, []);
    await addServer(page, locked.url, 'tok-e2e');
    const row = server(page, locked.url);
    await expect(row).toHaveAttribute('data-status', 'connected');
    await expect(row.getByTestId('mcp-status')).toHaveText('connected · token in memory until the tab closes');
    await page.reload();
    await page.getByTestId('open-mcp').click();
    await expect(row).toHaveAttribute('data-status', 'failed');
    await expect(row.getByTestId('mcp-problem')).toContainText('needs a bearer token (HTTP 401)');
  } finally {
    await locked.close();
  }
});
