// The local CORS proxy against the simulated server, the MCP test server and tiny hand-made upstreams, over real HTTP on 127.0.0.1.
import { spawn } from 'node:child_process';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startMcpServer, TEST_TOOLS, type McpTestServer } from '../e2e/mcp/server.ts';
import { startSim, type SimServer } from '../e2e/sim/server.ts';
import { connectMcp } from '../src/lib/agent/mcp-client.ts';
import { startProxy, type ProxyOptions, type ProxyServer } from './proxy-server.ts';

const APP = 'http://127.0.0.1:5173';
const MODEL = 'Qwen/Qwen3-Next-80B-A3B-Thinking';
const KEY = 's3cret-0123456789';

let sim: SimServer;
/** a simulated server that wants KEY; the key is not in its URL, so an echoed path cannot leak it */
let keyed: SimServer;
beforeAll(async () => {
  const fast = { ttftMs: 20, tps: 2000, reasoningTokens: 5, answerTokens: 10 };
  [sim, keyed] = await Promise.all([startSim(fast), startSim({ ...fast, apiKey: KEY })]);
});
afterAll(() => Promise.all([sim.close(), keyed.close()]));

// every proxy and tiny upstream a test starts is stopped after it, whatever the test's outcome
const started: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function proxy(upstreams: Record<string, string>, over: Partial<ProxyOptions> = {}): Promise<ProxyServer & { lines: string[] }> {
  const lines: string[] = [];
  const p = await startProxy({ upstreams, origins: [APP], log: (l) => lines.push(l), ...over });
  started.push(p);
  return { ...p, lines };
}

interface Hit {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  res: ServerResponse;
}

/** A one-handler upstream that records what reached it. */
async function tiny(reply: (hit: Hit) => void = (h) => h.res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')) {
  const hits: Hit[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => {
      const hit = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(parts).toString(), res };
      hits.push(hit);
      reply(hit);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const handle = { url, hits, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
  started.push(handle);
  return handle;
}

const chat = (over: object = {}) => JSON.stringify({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'Why is Qwen3-Next fast?' }], ...over });

/** Reads a streamed answer, noting when the body's first byte and the first and last SSE data lines arrived. */
async function timed(url: string, init: RequestInit) {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let body = '';
  let firstByte = NaN;
  let firstData = NaN;
  let lastData = NaN;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const now = performance.now() - t0;
    if (Number.isNaN(firstByte)) firstByte = now;
    body += decoder.decode(value, { stream: true });
    if (Number.isNaN(firstData) && body.includes('data: ')) firstData = now;
    if (body.includes('data: [DONE]')) lastData = now;
  }
  return { res, body, firstByte, firstData, lastData };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const post = (body: string, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('proxy: streaming', () => {
  it('passes the SSE body through byte for byte, as it comes, adding only a few milliseconds', async () => {
    const upstream = `${sim.url}/vllm,tps=200,reasoning=10,answer=20/v1`;
    const p = await proxy({ sim: upstream });
    const init = post(chat(), { origin: APP });
    const direct = [];
    const via = [];
    for (let i = 0; i < 3; i++) {
      direct.push(await timed(`${upstream}/chat/completions`, init));
      via.push(await timed(`${p.url}/sim/v1/chat/completions`, init));
    }
    const [d, v] = [direct[0]!, via[0]!];
    expect(v.res.status).toBe(200);
    expect(v.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(v.res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(v.body).toBe(d.body);
    expect(v.body).toContain('data: [DONE]');
    // ~30 tokens at 200 tokens/s: the stream takes ~150 ms, so a buffering proxy would show it all at once
    for (const r of via) expect(r.lastData - r.firstData).toBeGreaterThan(80);
    // its first byte is not held for the stream (~150 ms); the margin is for a busy 2-core machine (29 ms seen)
    expect(median(via.map((r) => r.firstByte)) - median(direct.map((r) => r.firstByte))).toBeLessThan(100);
  });

  it('a dying upstream cuts the client connection instead of ending the stream cleanly', async () => {
    const up = await tiny((h) => {
      h.res.writeHead(200, { 'content-type': 'text/event-stream' });
      h.res.write('data: {"partial":true}\n\n', () => setTimeout(() => h.res.socket?.destroy(), 30));
    });
    const p = await proxy({ up: `${up.url}/v1` });
    const res = await fetch(`${p.url}/up/v1/chat/completions`, post(chat()));
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('the client going away aborts the upstream request', async () => {
    let upstreamClosed: () => void = () => {};
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const up = await tiny((h) => {
      h.res.on('close', () => upstreamClosed());
      h.res.writeHead(200, { 'content-type': 'text/event-stream' });
      h.res.write('data: {"first":true}\n\n'); // and then nothing: a model thinking for a long time
    });
    const p = await proxy({ up: `${up.url}/v1` });
    const abort = new AbortController();
    const res = await fetch(`${p.url}/up/v1/chat/completions`, { ...post(chat()), signal: abort.signal });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('first');
    abort.abort();
    await closed; // a proxy that kept the upstream open would time this test out
    expect(up.hits[0]!.res.writableFinished).toBe(false);
  });

  it('an unreachable upstream is a 502 that names it', async () => {
    const spare = await tiny();
    const port = new URL(spare.url).port;
    await spare.close();
    const p = await proxy({ gone: `http://127.0.0.1:${port}/v1` });
    const res = await fetch(`${p.url}/gone/v1/models`, { headers: { origin: APP } });
    expect(res.status).toBe(502);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    const body = (await res.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe('proxy_error');
    expect(body.error.message).toMatch(new RegExp(`^The proxy could not reach http://127\\.0\\.0\\.1:${port}/v1: .*ECONNREFUSED`));
  });
});

describe('proxy: keys', () => {
  it('injects the configured key and replaces a key the page sent', async () => {
    const upstream = `${keyed.url}/v1`;
    expect((await fetch(`${upstream}/models`)).status).toBe(401);
    const p = await proxy({ nim: upstream }, { keys: { nim: KEY } });
    expect((await fetch(`${p.url}/nim/v1/models`, { headers: { origin: APP } })).status).toBe(200);
    expect((await fetch(`${p.url}/nim/v1/models`, { headers: { origin: APP, authorization: 'Bearer wrong' } })).status).toBe(200);
    const stream = await fetch(`${p.url}/nim/v1/chat/completions`, post(chat(), { origin: APP, authorization: 'Bearer wrong' }));
    expect(stream.status).toBe(200);
    expect(await stream.text()).toContain('data: [DONE]');
  });

  it('without a key, the page’s Authorization passes through', async () => {
    const p = await proxy({ local: `${keyed.url}/v1` });
    expect((await fetch(`${p.url}/local/v1/models`)).status).toBe(401);
    expect((await fetch(`${p.url}/local/v1/models`, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(200);
  });

  it('never shows the key: not in the log, not in any header or body sent back', async () => {
    const p = await proxy({ nim: `${keyed.url}/v1`, up: 'http://127.0.0.1:9/v1' }, { keys: { nim: KEY, up: KEY } });
    const requests: [string, RequestInit][] = [
      [`${p.url}/nim/v1/models`, { headers: { origin: APP } }],
      [`${p.url}/nim/v1/chat/completions`, post(chat(), { origin: APP })],
      [`${p.url}/nim/v1/chat/completions`, post(chat({ model: 'no-such-model' }), { origin: APP })],
      [`${p.url}/nim/v1/nowhere`, { headers: { origin: APP } }],
      [`${p.url}/up/v1/models`, { headers: { origin: APP } }],
      [`${p.url}/nim/v1/models`, { headers: { origin: 'http://evil.example' } }],
      [`${p.url}/nim/v1/models`, { method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } }],
    ];
    const seen: string[] = [];
    for (const [url, init] of requests) {
      const res = await fetch(url, init);
      seen.push(String(res.status), ...[...res.headers].flat(), await res.text());
    }
    expect(seen).toContain('404');
    expect(seen).toContain('502');
    expect(seen.join('\n')).not.toContain(KEY);
    await expect.poll(() => p.lines.length).toBe(requests.length); // a line is written when the response closes
    expect(p.lines[0]).toMatch(/^GET \/nim\/v1\/models → 200 \(\d+ ms\)$/);
    expect(p.lines.join('\n')).not.toMatch(/s3cret|bearer|authorization/i);
  });
});

describe('proxy: who may call, and what goes through', () => {
  it('refuses other origins with a 403 and no CORS header, and never calls the upstream', async () => {
    const up = await tiny();
    const p = await proxy({ up: up.url });
    for (const method of ['GET', 'POST', 'OPTIONS']) {
      const res = await fetch(`${p.url}/up/v1/models`, { method, headers: { origin: 'http://evil.example' } });
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(await res.json()).toEqual({ error: { message: `Origin http://evil.example is not allowed by this proxy (allowed: ${APP}). Start it with --origin http://evil.example`, type: 'proxy_error' } });
    }
    expect(up.hits).toHaveLength(0);
  });

  it('answers a preflight from an allowed origin', async () => {
    const p = await proxy({ up: 'http://127.0.0.1:9/v1' });
    const res = await fetch(`${p.url}/up/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-stainless-os' },
    });
    expect(res.status).toBe(204);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'access-control-allow-origin': APP,
      vary: 'Origin',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'authorization,content-type,x-stainless-os',
      'access-control-max-age': '600',
    });
  });

  it('an unknown upstream name is a 404 that lists the known ones', async () => {
    const p = await proxy({ nim: 'https://integrate.api.nvidia.com/v1', local: 'http://127.0.0.1:8000/v1' });
    const res = await fetch(`${p.url}/x/v1/models`, { headers: { origin: APP } });
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(await res.json()).toEqual({ error: { message: 'No upstream named "x". Known: nim, local', type: 'proxy_error' } });
    expect((await fetch(`${p.url}/nim/v1/models`, { method: 'DELETE' })).status).toBe(405);
  });

  it('refuses a body over the cap, declared or not, without calling the upstream', async () => {
    const up = await tiny();
    const p = await proxy({ up: up.url }, { maxBodyBytes: 1000 });
    const declared = await fetch(`${p.url}/up/v1/chat/completions`, post('x'.repeat(5000), { origin: APP }));
    expect(declared.status).toBe(413);
    expect(declared.headers.get('access-control-allow-origin')).toBe(APP);
    expect(((await declared.json()) as { error: { message: string } }).error.message).toMatch(/larger than 1000 bytes/);
    // chunked, no content-length: the proxy must count what arrives
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${p.url}/up/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 6; i++) req.write('y'.repeat(300));
      req.end();
    });
    expect(status).toBe(413);
    expect(up.hits).toHaveLength(0);
    expect((await fetch(`${p.url}/up/v1/chat/completions`, post('z'.repeat(900)))).status).toBe(200);
    expect(up.hits).toHaveLength(1);
  });

  it('maps paths, passes the query, the body and the API headers, and drops what the page adds', async () => {
    const up = await tiny((h) => h.res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7', 'set-cookie': 'a=b', 'access-control-allow-origin': '*' }).end('{"error":"slow down"}'));
    const p = await proxy({ v1: `${up.url}/v1`, bare: up.url });
    const headers = { origin: APP, referer: `${APP}/`, cookie: 'session=1', 'x-stainless-os': 'Linux', accept: 'text/event-stream', authorization: 'Bearer page-key', 'x-sim-options': 'tps=5' };
    const res = await fetch(`${p.url}/v1/v1/chat/completions?trace=1`, post(chat(), headers));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-expose-headers')).toBe('retry-after');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toBe('{"error":"slow down"}');
    await fetch(`${p.url}/bare/v1/models`);
    const [hit, bare] = up.hits;
    expect(hit).toMatchObject({ method: 'POST', url: '/v1/chat/completions?trace=1', body: chat() });
    expect(hit!.headers).toMatchObject({ host: new URL(up.url).host, accept: 'text/event-stream', authorization: 'Bearer page-key', 'content-type': 'application/json', 'x-sim-options': 'tps=5' });
    for (const dropped of ['origin', 'referer', 'cookie', 'x-stainless-os']) expect(hit!.headers[dropped]).toBeUndefined();
    expect(bare).toMatchObject({ method: 'GET', url: '/v1/models' });
  });
});

describe('proxy: command line', () => {
  const cli = (args: string[], env: Record<string, string> = {}) => spawn('node_modules/.bin/tsx', ['scripts/proxy.ts', ...args], { env: { ...process.env, ...env } });
  const collect = (child: ReturnType<typeof cli>) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { text: () => out, exit };
  };

  it('a malformed --upstream exits with 1 and says what is wrong', async () => {
    const run = collect(cli(['--upstream', 'bad']));
    expect(await run.exit).toBe(1);
    expect(run.text()).toContain('--upstream "bad" is not NAME=URL');
  }, 20_000);

  it('starts, names the key’s variable but not the key, and stops on SIGTERM', async () => {
    const child = cli(['--upstream', `nim=${sim.url}/v1`, '--upstream', 'local=http://127.0.0.1:8000/v1', '--port', '0'], { PROXY_KEY_NIM: KEY });
    const run = collect(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start-up line in: ${run.text()}`)), 15_000);
      child.stdout.on('data', () => /Pages allowed/.test(run.text()) && (clearTimeout(timer), resolve()));
    });
    const base = /Proxy listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.text())![1];
    expect(run.text()).toContain(`${base}/nim/v1`);
    expect(run.text()).toContain('key from PROXY_KEY_NIM');
    expect(run.text()).toContain(`${base}/local/v1`);
    expect(run.text()).not.toContain(KEY);
    child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  }, 20_000);
});

describe('proxy: MCP servers', () => {
  let mcpServer: McpTestServer;
  beforeAll(async () => {
    mcpServer = await startMcpServer({ name: 'behind' });
  });
  afterAll(() => mcpServer.close());

  it('a preflight for an MCP route allows its headers and DELETE, and answers expose the session id', async () => {
    const p = await proxy({}, { mcp: { tools: mcpServer.url } });
    const pre = await fetch(`${p.url}/tools`, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,mcp-protocol-version' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE, OPTIONS');
    const allowed = pre.headers.get('access-control-allow-headers')!.split(', ');
    for (const h of ['mcp-session-id', 'mcp-protocol-version', 'authorization', 'content-type', 'last-event-id']) expect(allowed).toContain(h);

    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
    const res = await fetch(`${p.url}/tools`, post(JSON.stringify(init), { origin: APP, accept: 'application/json, text/event-stream' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-expose-headers')).toContain('mcp-session-id');
    const session = res.headers.get('mcp-session-id');
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.text()).toContain('"name":"behind"');
    // the session ends with a DELETE carrying its id; an OpenAI-style upstream still refuses DELETE
    const end = await fetch(`${p.url}/tools`, { method: 'DELETE', headers: { origin: APP, 'mcp-session-id': session! } });
    expect(end.status).toBe(200);
    const after = await fetch(`${p.url}/tools`, post('{"jsonrpc":"2.0","id":2,"method":"tools/list"}', { 'mcp-session-id': session!, accept: 'application/json, text/event-stream' }));
    expect(after.status).toBe(404);
    const other = await proxy({ up: `${sim.url}/v1` });
    expect((await fetch(`${other.url}/up/v1/models`, { method: 'DELETE' })).status).toBe(405);
  });

  it('the MCP client works through it: tools listed page by page, a call, a cancelled call', async () => {
    const p = await proxy({}, { mcp: { tools: mcpServer.url } });
    const c = await connectMcp(`${p.url}/tools`);
    started.push(c);
    expect(c.serverName).toBe('behind');
    expect(c.tools.map((t) => t.name)).toEqual(TEST_TOOLS.map((t) => t.name));
    expect(await c.call('add', { a: 20, b: 22 }, new AbortController().signal)).toEqual({ ok: true, text: '42' });
    const stop = new AbortController();
    const hanging = c.call('wait_forever', {}, stop.signal);
    await vi.waitFor(() => expect(mcpServer.calls).toContain('wait_forever'));
    stop.abort(new Error('Stopped'));
    await expect(hanging).rejects.toThrow('Stopped');
    await vi.waitFor(() => expect(mcpServer.cancelled).toContain('wait_forever'));
    expect(p.lines.some((l) => /^POST \/tools → 200/.test(l))).toBe(true);
  });

  it('streams an MCP event stream as it comes, passing the session and resumption headers and replacing the token with its key', async () => {
    // the upstream sends its second event only once the first has reached the client: a buffering proxy would hang here
    let finish = () => {};
    const up = await tiny((h) => {
      h.res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 'abc' });
      h.res.write('id: 1\ndata: {"n":1}\n\n');
      finish = () => h.res.end('id: 2\ndata: {"n":2}\n\n');
    });
    const p = await proxy({}, { mcp: { tools: `${up.url}/mcp` }, keys: { tools: KEY } });
    const res = await fetch(`${p.url}/tools?x=1`, { headers: { origin: APP, accept: 'text/event-stream', 'mcp-session-id': 'abc', 'last-event-id': '0', authorization: 'Bearer page' } });
    expect(res.headers.get('mcp-session-id')).toBe('abc');
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('"n":1');
    finish();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toContain('"n":2');
    expect(up.hits[0]).toMatchObject({ method: 'GET', url: '/mcp?x=1' });
    expect(up.hits[0]!.headers).toMatchObject({ 'mcp-session-id': 'abc', 'last-event-id': '0', authorization: `Bearer ${KEY}` });
  });

  it('the command line takes --mcp NAME=URL and says where to point the app', async () => {
    const child = spawn('node_modules/.bin/tsx', ['scripts/proxy.ts', '--mcp', `tools=${mcpServer.url}`, '--port', '0'], { env: process.env });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await vi.waitFor(() => expect(out).toContain('Pages allowed'), { timeout: 15_000 });
    const base = /Proxy listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
    expect(out).toContain(`tools: add ${base}/tools as the MCP server → ${mcpServer.url}`);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  }, 20_000);
});
