// A local CORS proxy on 127.0.0.1: lets the browser app stream from servers (and MCP servers) that refuse browser calls, and keeps their keys out of the page.
import { Agent as HttpAgent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface ProxyOptions {
  /** name → base URL, e.g. { nim: 'https://integrate.api.nvidia.com/v1' } */
  upstreams: Record<string, string>;
  /** name → an MCP server's endpoint (Streamable HTTP), e.g. { tools: 'https://example.com/mcp' }: `/<name>` forwards to it */
  mcp?: Record<string, string>;
  /** name → API key, sent upstream as `Authorization: Bearer <key>` in place of whatever the page sent */
  keys?: Record<string, string>;
  /** page origins allowed to call the proxy, e.g. 'http://127.0.0.1:5173' */
  origins: string[];
  /** 0 (the default) picks a free port */
  port?: number;
  maxBodyBytes?: number;
  /** one line per request: `METHOD /name/path → status (ms)`; never a key or a header */
  log?: (line: string) => void;
}

export interface ProxyServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
export const UPSTREAM_NAME = /^[a-z0-9-]+$/;

// Hop-by-hop headers belong to one connection; the rest are what a browser adds that an API has no business seeing.
// accept-encoding is dropped so the upstream answers uncompressed and each SSE chunk passes through as it comes.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'];
const DROPPED = new Set([...HOP_BY_HOP, 'host', 'content-length', 'accept-encoding', 'origin', 'referer', 'cookie']);
const DROPPED_PREFIXES = ['x-stainless-', 'sec-fetch-', 'sec-ch-', 'proxy-'];
/** What comes back from the upstream: enough for the app to read errors, streams and rate limits. */
const RESPONSE_HEADERS = ['content-type', 'cache-control', 'retry-after', 'content-encoding'];
/** What MCP adds: the session a server hands out, and how it asks for a token. */
const MCP_RESPONSE_HEADERS = ['mcp-session-id', 'mcp-protocol-version', 'www-authenticate'];
/** The request headers MCP's Streamable HTTP transport sends (a page's preflight asks for them). */
const MCP_REQUEST_HEADERS = ['authorization', 'content-type', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id'];

interface Route {
  name: string;
  /** an MCP server's route: DELETE allowed, session headers passed both ways */
  mcp: boolean;
  target: URL;
  /** the upstream's base, shown in error messages (no credentials, no query) */
  shown: string;
}

/** Starts the proxy on 127.0.0.1 only: a key it holds must not be reachable from the network. */
export async function startProxy(options: ProxyOptions): Promise<ProxyServer> {
  for (const name of [...Object.keys(options.upstreams), ...Object.keys(options.mcp ?? {})])
    if (!UPSTREAM_NAME.test(name)) throw new Error(`Upstream name "${name}" must use only a-z, 0-9 and "-"`);
  for (const name of Object.keys(options.mcp ?? {}))
    if (Object.hasOwn(options.upstreams, name)) throw new Error(`"${name}" names both an upstream and an MCP server`);
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  let port = 0;
  const server = createServer((req, res) => handle(req, res, options, agents, port));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agents.http.destroy();
        agents.https.destroy();
      }),
  };
}

function handle(req: IncomingMessage, res: ServerResponse, options: ProxyOptions, agents: { http: HttpAgent; https: HttpsAgent }, port: number): void {
  const started = performance.now();
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  // the path only: a query string may carry a key on some APIs
  res.on('close', () => options.log?.(`${method} ${url.pathname} → ${res.statusCode}${res.writableFinished ? '' : ' (cut)'} (${Math.round(performance.now() - started)} ms)`));
  req.socket.setNoDelay(true);

  const route = routeOf(url, options.upstreams, options.mcp);
  const origin = req.headers.origin;
  const allowed = origin !== undefined && options.origins.includes(origin);
  const cors = allowed ? corsHeaders(origin, route?.mcp ?? false) : {};
  const fail = (status: number, message: string, extra: OutgoingHttpHeaders = {}) => sendError(res, status, message, { ...cors, ...extra });

  if (origin !== undefined && !allowed)
    return fail(403, `Origin ${origin} is not allowed by this proxy (allowed: ${options.origins.join(', ') || 'none'}). Start it with --origin ${origin}`);
  const refusal = pageWithoutOrigin(req, port);
  if (refusal) return fail(403, refusal);
  if (method === 'OPTIONS') return preflight(req, res, cors, route?.mcp ?? false);
  const methods = route?.mcp ? ['GET', 'POST', 'DELETE'] : ['GET', 'POST'];
  if (!methods.includes(method)) return fail(405, `The proxy forwards only ${methods.join(', ')} and OPTIONS here, not ${method}`, { allow: `${methods.join(', ')}, OPTIONS` });

  if (!route) {
    const name = url.pathname.split('/')[1] ?? '';
    return fail(404, `No upstream named "${decodeURIComponent(name)}". Known: ${[...Object.keys(options.upstreams), ...Object.keys(options.mcp ?? {})].join(', ')}`);
  }
  const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  readCapped(req, max).then(
    (body) => {
      if (body === null) return fail(413, `The request body is larger than ${max} bytes, the most this proxy forwards`, { connection: 'close' });
      forward(req, res, route, body, options.keys?.[route.name], agents, cors);
    },
    (err: unknown) => fail(400, `The request body could not be read: ${(err as Error).message}`),
  );
}

/** DNS rebinding and `<img>`-style requests reach the proxy without an Origin; the Host and Sec-Fetch-Site headers give them away. */
function pageWithoutOrigin(req: IncomingMessage, port: number): string | null {
  const host = req.headers.host;
  if (host !== undefined && host !== `127.0.0.1:${port}` && host !== `localhost:${port}`)
    return `Host ${host} is not this proxy; call it as http://127.0.0.1:${port}`;
  const site = req.headers['sec-fetch-site'];
  if (req.headers.origin === undefined && site !== undefined && site !== 'none' && site !== 'same-origin')
    return 'A request from a web page must carry an Origin header';
  return null;
}

function corsHeaders(origin: string, mcp: boolean): OutgoingHttpHeaders {
  return { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-expose-headers': mcp ? `retry-after, ${MCP_RESPONSE_HEADERS.join(', ')}` : 'retry-after' };
}

function preflight(req: IncomingMessage, res: ServerResponse, cors: OutgoingHttpHeaders, mcp: boolean): void {
  const asked = req.headers['access-control-request-headers'] ?? '';
  const headers: OutgoingHttpHeaders = {
    ...cors,
    'access-control-allow-methods': mcp ? 'GET, POST, DELETE, OPTIONS' : 'GET, POST, OPTIONS',
    'access-control-allow-headers': mcp ? [...new Set([...MCP_REQUEST_HEADERS, ...asked.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)])].join(', ') : asked,
    'access-control-max-age': '600',
  };
  // Chrome's Private Network Access: a page served from a public address asks before it calls 127.0.0.1
  if (req.headers['access-control-request-private-network'] === 'true' && cors['access-control-allow-origin'])
    headers['access-control-allow-private-network'] = 'true';
  res.writeHead(204, headers).end();
}

/**
 * `/<name>/<rest>` → the upstream's base + rest, without repeating a `v1` the base already ends with;
 * `/<name>` of an MCP server → its endpoint as given (and `/<name>/<rest>` → the endpoint + rest).
 */
export function routeOf(url: URL, upstreams: Record<string, string>, mcp: Record<string, string> = {}): Route | null {
  const [, name = '', ...rest] = url.pathname.split('/');
  if (Object.hasOwn(mcp, name)) {
    const target = new URL(mcp[name]!);
    const basePath = target.pathname.replace(/\/+$/, '');
    if (rest.some((part) => part !== '')) target.pathname = [basePath, ...rest].join('/');
    if (url.search) target.search = url.search;
    return { name, mcp: true, target, shown: `${target.origin}${basePath}` };
  }
  const base = Object.hasOwn(upstreams, name) ? upstreams[name] : undefined;
  if (base === undefined) return null;
  const target = new URL(base);
  const basePath = target.pathname.replace(/\/+$/, '');
  if (/\/v1$/.test(basePath) && rest[0] === 'v1') rest.shift();
  target.pathname = [basePath, ...rest].join('/');
  target.search = url.search;
  return { name, mcp: false, target, shown: `${new URL(base).origin}${basePath}` };
}

/** Resolves with the whole body, or null once it grows past `max` (counted as it arrives: a content-length may lie or be absent). */
function readCapped(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > max) return resolve(null);
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (b: Buffer) => {
      size += b.length;
      if (size <= max) return void parts.push(b);
      req.off('data', onData);
      req.resume(); // keep draining so the client can read the 413 instead of a reset
      resolve(null);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function upstreamHeaders(incoming: IncomingHttpHeaders, key: string | undefined, length: number): OutgoingHttpHeaders {
  const named = String(incoming.connection ?? '').split(',').map((h) => h.trim().toLowerCase());
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || DROPPED.has(name) || named.includes(name) || DROPPED_PREFIXES.some((p) => name.startsWith(p))) continue;
    out[name] = value;
  }
  if (key) out.authorization = `Bearer ${key}`;
  if (length > 0) out['content-length'] = length;
  return out;
}

function forward(req: IncomingMessage, res: ServerResponse, route: Route, body: Buffer, key: string | undefined, agents: { http: HttpAgent; https: HttpsAgent }, cors: OutgoingHttpHeaders): void {
  const secure = route.target.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  const upstream = send(route.target, {
    method: req.method,
    headers: upstreamHeaders(req.headers, key, body.length),
    agent: secure ? agents.https : agents.http,
  });
  upstream.on('socket', (socket) => socket.setNoDelay(true));
  // the page went away (stop button, closed tab): stop the generation upstream too
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  upstream.on('error', (err) => {
    if (res.headersSent) return void res.destroy();
    if (!res.destroyed) sendError(res, 502, `The proxy could not reach ${route.shown}: ${reasonOf(err)}`, cors);
  });
  upstream.on('response', (answer) => relay(answer, res, cors, route.mcp));
  upstream.end(body);
}

/** Streams the upstream's answer back as it arrives; a cut upstream becomes a cut client connection, never a clean end. */
function relay(answer: IncomingMessage, res: ServerResponse, cors: OutgoingHttpHeaders, mcp: boolean): void {
  const headers: OutgoingHttpHeaders = { ...cors };
  for (const name of mcp ? [...RESPONSE_HEADERS, ...MCP_RESPONSE_HEADERS] : RESPONSE_HEADERS) if (answer.headers[name] !== undefined) headers[name] = answer.headers[name];
  res.writeHead(answer.statusCode ?? 502, headers);
  res.flushHeaders();
  answer.on('error', () => res.destroy());
  answer.on('close', () => {
    if (!answer.complete) res.destroy();
  });
  answer.pipe(res);
}

function reasonOf(err: Error & { code?: string }): string {
  return err.message || err.code || 'unknown error';
}

function sendError(res: ServerResponse, status: number, message: string, headers: OutgoingHttpHeaders): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ error: { message, type: 'proxy_error' } }));
}
