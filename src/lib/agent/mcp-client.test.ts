// The MCP client against the SDK's own server over real HTTP on 127.0.0.1: listing page by page, calls, failures, Stop, the SSE fallback.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMcpServer, TEST_TOOLS, type McpTestServer } from '../../../e2e/mcp/server.ts';
import { connectMcp, type McpConnection } from './mcp-client.ts';
import { callFailureText, McpFailure } from './mcp-failures.ts';

let server: McpTestServer;
beforeAll(async () => {
  server = await startMcpServer({ name: 'alpha', pageSize: 4 });
});
afterAll(() => server.close());

const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

async function connect(url: string, options: Parameters<typeof connectMcp>[1] = {}): Promise<McpConnection> {
  const c = await connectMcp(url, options);
  opened.push(c);
  return c;
}

async function failureOf(promise: Promise<unknown>): Promise<McpFailure> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(McpFailure);
  return err as McpFailure;
}

const signal = () => new AbortController().signal;

describe('connectMcp', () => {
  it('lists every tool across pages, with the server name and its schemas', async () => {
    const c = await connect(server.url);
    expect(c.transport).toBe('streamable-http');
    expect(c.serverName).toBe('alpha');
    // 6 tools at 4 a page: the second page comes only through the cursor
    expect(c.tools.map((t) => t.name)).toEqual(TEST_TOOLS.map((t) => t.name));
    expect(c.tools[0]).toEqual({ name: 'add', description: 'Adds two numbers.', inputSchema: TEST_TOOLS[0]!.inputSchema });
  });

  it('calls a tool and reads its text', async () => {
    const c = await connect(server.url);
    expect(await c.call('add', { a: 2, b: 40 }, signal())).toEqual({ ok: true, text: '42' });
  });

  it('a tool that throws, or answers isError, gives ok:false with its text', async () => {
    const c = await connect(server.url);
    expect(await c.call('fail', {}, signal())).toEqual({ ok: false, text: 'The fail tool always fails.' });
    expect(await c.call('refuse', {}, signal())).toEqual({ ok: false, text: 'Refused: this tool never does anything.' });
  });

  it('describes images and resources in words and keeps markup as text', async () => {
    const c = await connect(server.url);
    const out = await c.call('picture', {}, signal());
    expect(out.ok).toBe(true);
    expect(out.text).toBe('A red dot:\n[image: image/png, 8 bytes]\n[resource file:///notes.txt]\n<b>not bold</b>\n[resource link: report.pdf https://example.com/report.pdf]');
  });

  it('a tool that never answers is cancelled by the signal, and the server hears of it', async () => {
    const c = await connect(server.url);
    const stop = new AbortController();
    const call = c.call('wait_forever', {}, stop.signal);
    await expect.poll(() => server.calls.includes('wait_forever')).toBe(true);
    stop.abort(new DOMException('Stopped', 'AbortError'));
    await expect(call).rejects.toThrow('Stopped');
    await expect.poll(() => server.cancelled).toContain('wait_forever');
  });

  it('sends the bearer token, and a wrong or missing one is a sentence about the token', async () => {
    const locked = await startMcpServer({ token: 'tok-123' });
    opened.push(locked);
    const c = await connect(locked.url, { headers: { authorization: 'Bearer tok-123' } });
    expect(c.tools).toHaveLength(TEST_TOOLS.length);
    expect(locked.authorizations.every((a) => a === 'Bearer tok-123')).toBe(true);
    const wrong = await failureOf(connectMcp(locked.url, { headers: { authorization: 'Bearer nope' } }));
    expect(wrong.kind).toBe('auth');
    expect(wrong.message).toMatch(/refused the bearer token \(HTTP 401\)/);
    expect((await failureOf(connectMcp(locked.url))).message).toMatch(/needs a bearer token/);
  });

  it('falls back to the older SSE transport when Streamable HTTP is refused', async () => {
    const legacy = await startMcpServer({ legacySse: true, name: 'old' });
    opened.push(legacy);
    const c = await connect(legacy.url);
    expect(c.transport).toBe('sse');
    expect(c.tools).toHaveLength(TEST_TOOLS.length);
    expect(await c.call('echo', { text: 'hi' }, signal())).toEqual({ ok: true, text: 'hi' });
  });

  it('a wrong path, a dead port and a non-URL each get their own sentence', async () => {
    const origin = new URL(server.url).origin;
    expect((await failureOf(connectMcp(`${origin}/nothing-here`))).kind).toBe('not-found');
    const closed = await startMcpServer();
    await closed.close();
    const down = await failureOf(connectMcp(closed.url, { reachable: async () => false }));
    expect(down.kind).toBe('network');
    expect(down.message).toContain(`Could not reach ${closed.url}`);
    const cors = await failureOf(connectMcp(closed.url, { reachable: async () => true, pageOrigin: 'http://127.0.0.1:4215' }));
    expect(cors.kind).toBe('cors');
    expect(cors.message).toBe(
      `127.0.0.1:${new URL(closed.url).port} does not allow calls from this page (CORS). Start the proxy: npm run proxy -- --mcp mcp=${closed.url} --origin http://127.0.0.1:4215, then add http://127.0.0.1:8787/mcp instead.`,
    );
    expect((await failureOf(connectMcp('ftp://example.com/mcp'))).kind).toBe('url');
  });
});

describe('callFailureText', () => {
  it('says which server refused a call and how', () => {
    const http = Object.assign(new Error('Streamable HTTP error: Error POSTing to endpoint: busy'), { code: 503 });
    expect(callFailureText(http, 'alpha')).toBe('The MCP server alpha refused the call (HTTP 503): busy');
    expect(callFailureText(Object.assign(new Error('MCP error -32602: Unknown tool nope'), { code: -32602 }), 'alpha')).toBe('Unknown tool nope');
  });
});
