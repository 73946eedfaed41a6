// MCP servers as state: status, tools on and off, clashing names, tokens kept only when remembered, the link's servers and ready().
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMcpServer, TEST_TOOLS, type McpTestServer } from '../../../e2e/mcp/server.ts';
import { openPlaygroundDB } from '../storage/db.ts';
import { loadMcpServers } from '../storage/mcp-servers.ts';
import { McpServers, schemaTokens } from './mcp-servers.svelte.ts';

let alpha: McpTestServer;
let beta: McpTestServer;
let locked: McpTestServer;
beforeAll(async () => {
  [alpha, beta, locked] = await Promise.all([startMcpServer({ name: 'alpha' }), startMcpServer({ name: 'beta' }), startMcpServer({ name: 'locked', token: 'tok-9' })]);
});
afterAll(() => Promise.all([alpha.close(), beta.close(), locked.close()]));

let n = 0;
/** A fresh database name, and a way to open the state over it as a new page would. */
function device() {
  const name = `mcp-${n++}`;
  const opened: McpServers[] = [];
  return {
    page() {
      const s = new McpServers(() => openPlaygroundDB(name));
      opened.push(s);
      return s;
    },
    db: () => openPlaygroundDB(name),
    closeAll: () => opened.forEach((s) => s.closeAll()),
  };
}

const stop = () => new AbortController().signal;

describe('McpServers', () => {
  it('connects, lists the tools with their estimated cost, and offers the enabled ones to the agent', async () => {
    const d = device();
    const mcp = d.page();
    const server = mcp.add(alpha.url);
    expect(server.status).toBe('connecting');
    await mcp.ready();
    expect(server.status).toBe('connected');
    expect(server.name).toBe('alpha');
    expect(server.tools).toHaveLength(TEST_TOOLS.length);
    expect(server.tokens).toBe(TEST_TOOLS.reduce((sum, t) => sum + schemaTokens({ name: t.name, description: t.description ?? '', inputSchema: t.inputSchema }), 0));
    server.setEnabled('wait_forever', false);
    const tools = mcp.enabled();
    expect(tools.map((t) => t.name)).toEqual(['add', 'echo', 'fail', 'refuse', 'picture']);
    expect(tools[0]!.origin).toBe(alpha.url);
    expect(await tools[0]!.run({ a: 1, b: 2 }, stop())).toEqual({ ok: true, text: '3' });
    expect(server.tokens).toBeLessThan(mcp.list[0]!.tools.reduce((s, t) => s + schemaTokens(t), 0));
    d.closeAll();
  });

  it('a tool name two servers share gets each server’s name before it', async () => {
    const d = device();
    const mcp = d.page();
    mcp.add(alpha.url);
    mcp.add(beta.url);
    await mcp.ready();
    const names = mcp.enabled().map((t) => t.name);
    expect(names).toContain('alpha_echo');
    expect(names).toContain('beta_echo');
    expect(new Set(names).size).toBe(names.length);
    const echo = mcp.enabled().find((t) => t.name === 'beta_echo')!;
    expect(await echo.run({ text: 'from beta' }, stop())).toEqual({ ok: true, text: 'from beta' });
    expect(beta.calls.at(-1)).toBe('echo');
    d.closeAll();
  });

  it('a failure is a status with a sentence, and offers no tools', async () => {
    const d = device();
    const mcp = d.page();
    const server = mcp.add(locked.url);
    await mcp.ready();
    expect(server.status).toBe('failed');
    expect(server.problem).toMatch(/needs a bearer token/);
    expect(mcp.enabled()).toEqual([]);
    server.bearer = 'tok-9';
    await server.connect();
    expect(server.status).toBe('connected');
    d.closeAll();
  });

  it('a token is saved only when remembered; the list and switched-off tools come back on the next page', async () => {
    const d = device();
    const first = d.page();
    const server = first.add(locked.url, { bearer: 'tok-9' });
    first.add(alpha.url, { bearer: 'kept-secret', rememberKey: true });
    await first.ready();
    await first.toggle(server, 'add', false);
    const saved = await loadMcpServers(await d.db());
    expect(JSON.stringify(saved)).not.toContain('tok-9');
    expect(saved.find((s) => s.url === alpha.url)?.bearer).toBe('kept-secret');
    first.closeAll();

    const second = d.page();
    await second.loaded;
    expect(second.list.map((s) => [s.url, s.status])).toEqual([
      [locked.url, 'disconnected'],
      [alpha.url, 'disconnected'],
    ]);
    // restored servers wait until something needs their tools
    await second.ready();
    expect(second.byURL(locked.url)?.status).toBe('failed');
    expect(second.byURL(locked.url)?.disabled).toEqual(['add']);
    expect(second.byURL(alpha.url)?.status).toBe('connected');
    d.closeAll();
  });

  it('the link’s servers connect with every tool on, once, and ready() waits for them', async () => {
    const d = device();
    const first = d.page();
    const saved = first.add(alpha.url);
    await first.ready();
    await first.toggle(saved, 'echo', false);
    expect((await loadMcpServers(await d.db()))[0]?.disabled).toEqual(['echo']);
    first.closeAll();

    const page = d.page();
    page.fromLink([alpha.url + '/', beta.url]);
    await page.ready();
    expect(page.list.map((s) => s.status)).toEqual(['connected', 'connected']);
    expect(page.byURL(alpha.url)?.disabled).toEqual([]);
    expect(page.enabled()).toHaveLength(2 * TEST_TOOLS.length);
    d.closeAll();
  });

  it('a server that restarted (and forgot the session) is reconnected once, and the call goes through', async () => {
    const d = device();
    const mcp = d.page();
    const server = mcp.add(beta.url);
    await mcp.ready();
    const before = beta.authorizations.length;
    beta.forgetSessions();
    const echo = mcp.enabled().find((t) => t.name === 'echo')!;
    expect(await echo.run({ text: 'again' }, stop())).toEqual({ ok: true, text: 'again' });
    expect(server.status).toBe('connected');
    // the failed call, then initialize, initialized, tools/list and the call again
    expect(beta.authorizations.length - before).toBeGreaterThanOrEqual(5);
    d.closeAll();
  });

  it('removing a server ends its connection and forgets it', async () => {
    const d = device();
    const mcp = d.page();
    const server = mcp.add(alpha.url);
    await mcp.ready();
    const tool = mcp.enabled()[0]!;
    await mcp.remove(server);
    expect(mcp.list).toEqual([]);
    expect(await loadMcpServers(await d.db())).toEqual([]);
    expect(await tool.run({ a: 1, b: 1 }, stop())).toMatchObject({ ok: false });
  });
});
