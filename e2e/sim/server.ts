// The simulated OpenAI-compatible inference server: routes, CORS, auth, faults and paced streaming.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_OPTIONS, parseOptions, type Dialect, type SimOptions } from './options.ts';
import { WIRES, hex, type StreamCtx } from './dialects.ts';
import { makePlan, rng, type ChatRequest } from './script.ts';
import { checkToolMessages } from './tool-loop.ts';
import { sleep, stepsFor, stream, usageOf } from './stream.ts';
import { benchRoute, SimLoad } from './bench-routes.ts';

export interface SimServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The model ids each kind of server lists, spelled the way that server spells them, or the one name it was told to serve. */
export function modelsFor(dialect: Dialect, servedName: string | null = null): string[] {
  if (servedName) return [servedName];
  switch (dialect) {
    case 'nim':
      return ['qwen/qwen3-next-80b-a3b-thinking', 'qwen/qwen3-next-80b-a3b-instruct'];
    case 'llamacpp':
      return ['Qwen3-Next-80B-A3B-Thinking-Q4_K_M.gguf'];
    case 'ollama':
      return ['qwen3-next:80b', 'qwen3:8b'];
    default:
      return ['Qwen/Qwen3-Next-80B-A3B-Thinking', 'Qwen/Qwen3-Next-80B-A3B-Instruct', 'Qwen/Qwen3-8B'];
  }
}

/** Starts the server on 127.0.0.1 (port 0 picks a free one). Options in a URL prefix or header override `defaults`. */
export async function startSim(defaults: Partial<SimOptions> = {}, port = 0): Promise<SimServer> {
  const base = { ...DEFAULT_OPTIONS, ...defaults };
  const load = new SimLoad();
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    handle(req, res, base, load).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`simulator failure: ${String(err)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, defaults: SimOptions, load: SimLoad): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const at = url.pathname.indexOf('/v1/');
  if (url.pathname === '/health') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');

  let opts: SimOptions;
  try {
    const prefix = at > 0 ? url.pathname.slice(1, at).split('/').join(',') : '';
    opts = parseOptions(prefix, defaults);
    const header = req.headers['x-sim-options'];
    if (typeof header === 'string') opts = parseOptions(header, opts);
  } catch (err) {
    return void res.writeHead(400, { 'content-type': 'text/plain' }).end(String((err as Error).message));
  }
  const wire = WIRES[opts.dialect];
  const cors = corsHeaders(req, opts);
  if (req.method === 'OPTIONS') return preflight(req, res, opts, cors);

  const route = at >= 0 ? url.pathname.slice(at) : url.pathname;
  const send = (status: number, body: object, extra: Record<string, string> = {}) =>
    void res.writeHead(status, { 'content-type': 'application/json', ...cors, ...extra }).end(JSON.stringify(body));

  if (await benchRoute(req, res, route, opts, load, cors)) return;
  if (opts.apiKey && req.headers.authorization?.replace(/^bearer\s+/i, '') !== opts.apiKey)
    return send(401, wire.errorBody(401, 'Invalid API Key'));

  if (req.method === 'GET' && route === '/v1/models') return send(200, wire.models(modelsFor(opts.dialect, opts.servedName), 1763683200));
  if (req.method !== 'POST' || route !== '/v1/chat/completions') return send(404, wire.errorBody(404, `Not Found: ${req.method} ${url.pathname}`));

  let request: ChatRequest;
  try {
    request = JSON.parse(await readBody(req)) as ChatRequest;
  } catch {
    return send(400, wire.errorBody(400, 'Invalid JSON in request body'));
  }
  if (!Array.isArray(request.messages) || request.messages.length === 0)
    return send(400, wire.errorBody(400, '`messages` must be a non-empty list'));

  const model = resolveModel(opts.dialect, request.model, opts.servedName);
  const early = earlyFault(opts, model);
  if (early) return send(early.status, wire.errorBody(early.status, early.message), early.headers);

  // an agent's next request must answer every call of the last round: one tool message each, by id, in order
  const unanswered = checkToolMessages(request.messages);
  if (unanswered) return send(400, wire.errorBody(400, unanswered));
  const plan = makePlan(request, opts, model);
  const streamOptions = request.stream_options ?? null;
  const ctx: StreamCtx = {
    // Ollama numbers its streams with a small random integer
    id: opts.dialect === 'ollama' ? `chatcmpl-${rng(opts.seed)() * 999 | 0}` : `chatcmpl-${hex(JSON.stringify(request.messages) + opts.seed, 32)}`,
    created: 1763683200,
    model,
    includeUsage: includeUsage(opts.dialect, streamOptions),
    speeds: { prefillMs: opts.ttftMs, tps: opts.tps },
    continuousUsage: opts.dialect === 'nim' || (opts.dialect.startsWith('vllm') && streamOptions?.continuous_usage_stats === true && includeUsage(opts.dialect, streamOptions)),
  };
  if (request.stream === true) return load.track(stream(req, res, { opts, wire, plan, ctx, cors }), opts.ttftMs);

  await sleep(opts.ttftMs + (plan.completionTokens / opts.tps) * 1000);
  const content = stepsFor(opts, plan).filter((s) => s.kind === 'content').map((s) => s.text).join('');
  send(200, wire.completion(ctx, opts.dialect === 'raw' ? { ...plan, reasoning: [] } : plan, content, plan.finishReason, usageOf(plan, plan.completionTokens)));
}

function resolveModel(dialect: Dialect, requested: unknown, servedName: string | null): string {
  const name = typeof requested === 'string' ? requested : '';
  // SGLang echoes whatever was asked for; llama.cpp serves its one model whatever the name
  if (dialect === 'sglang') return name || 'default';
  if (dialect === 'llamacpp') return modelsFor('llamacpp', servedName)[0]!;
  return name;
}

function earlyFault(opts: SimOptions, model: string): { status: number; message: string; headers?: Record<string, string> } | null {
  const known = modelsFor(opts.dialect, opts.servedName);
  if (opts.fault === '404' || (!['sglang', 'llamacpp'].includes(opts.dialect) && !known.includes(model)))
    return { status: 404, message: notFoundMessage(opts.dialect, model) };
  switch (opts.fault) {
    case '401':
      return { status: 401, message: 'Invalid API Key' };
    case '403':
      return { status: 403, message: 'Authorization failed: this key may not use this model' };
    case '429':
      return { status: 429, message: 'Too many requests: rate limit exceeded, please retry later', headers: { 'retry-after': String(opts.retryAfterS) } };
    case '500':
      return { status: 500, message: 'CUDA error: an illegal memory access was encountered' };
    case '503':
      return { status: 503, message: opts.dialect === 'llamacpp' ? 'Loading model' : 'The server is overloaded, please try again later' };
    default:
      return null;
  }
}

function notFoundMessage(dialect: Dialect, model: string): string {
  if (dialect === 'ollama') return `model "${model}" not found, try pulling it first`;
  if (dialect === 'llamacpp') return 'model not found';
  if (dialect === 'nim') return `Function for model '${model}' not found`;
  return `The model \`${model}\` does not exist.`;
}

function includeUsage(dialect: Dialect, streamOptions: ChatRequest['stream_options']): boolean {
  if (!streamOptions) return false;
  // vLLM's StreamOptions defaults include_usage to true once stream_options is present
  if (dialect.startsWith('vllm') || dialect === 'nim' || dialect === 'raw') return streamOptions.include_usage !== false;
  return streamOptions.include_usage === true;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** CORS as the real servers answer it: open (`*`, any header), strict (standard headers only) or off. */
function corsHeaders(req: IncomingMessage, opts: SimOptions): Record<string, string> {
  if (opts.cors === 'off' || !req.headers.origin) return {};
  return { 'access-control-allow-origin': '*' };
}

const STRICT_HEADERS = ['authorization', 'content-type'];

function preflight(req: IncomingMessage, res: ServerResponse, opts: SimOptions, cors: Record<string, string>): void {
  if (opts.cors === 'off') return void res.writeHead(405, { 'content-type': 'application/json' }).end('{"detail":"Method Not Allowed"}');
  const asked = String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  // Starlette's CORSMiddleware answers a preflight asking for a header off its list with 400
  if (opts.cors === 'strict' && asked.some((h) => !STRICT_HEADERS.includes(h)))
    return void res.writeHead(400, { 'content-type': 'text/plain' }).end('Disallowed CORS headers');
  res
    .writeHead(200, {
      ...cors,
      'access-control-allow-methods': 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT',
      'access-control-allow-headers': opts.cors === 'strict' ? STRICT_HEADERS.join(', ') : asked.join(', '),
      'access-control-max-age': '600',
      vary: 'Origin',
      'content-type': 'text/plain',
    })
    .end('OK');
}
