// The simulated OpenAI-compatible inference server: routes, CORS, auth, faults and paced streaming.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_OPTIONS, parseOptions, type Dialect, type SimOptions } from './options.ts';
import { WIRES, hex, type Group, type StreamCtx, type Usage, type Wire } from './dialects.ts';
import { makePlan, rng, stepsOf, type ChatRequest, type Plan, type Step } from './script.ts';

export interface SimServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The model ids each kind of server lists, spelled the way that server spells them. */
export function modelsFor(dialect: Dialect): string[] {
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
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    handle(req, res, base).catch((err: unknown) => {
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

async function handle(req: IncomingMessage, res: ServerResponse, defaults: SimOptions): Promise<void> {
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

  if (opts.apiKey && req.headers.authorization?.replace(/^bearer\s+/i, '') !== opts.apiKey)
    return send(401, wire.errorBody(401, 'Invalid API Key'));

  if (req.method === 'GET' && route === '/v1/models') return send(200, wire.models(modelsFor(opts.dialect), 1763683200));
  if (req.method !== 'POST' || route !== '/v1/chat/completions') return send(404, wire.errorBody(404, `Not Found: ${req.method} ${url.pathname}`));

  let request: ChatRequest;
  try {
    request = JSON.parse(await readBody(req)) as ChatRequest;
  } catch {
    return send(400, wire.errorBody(400, 'Invalid JSON in request body'));
  }
  if (!Array.isArray(request.messages) || request.messages.length === 0)
    return send(400, wire.errorBody(400, '`messages` must be a non-empty list'));

  const model = resolveModel(opts.dialect, request.model);
  const early = earlyFault(opts, model);
  if (early) return send(early.status, wire.errorBody(early.status, early.message), early.headers);

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
  if (request.stream === true) return stream(req, res, { opts, wire, plan, ctx, cors });

  await sleep(opts.ttftMs + (plan.completionTokens / opts.tps) * 1000);
  const content = stepsFor(opts, plan).filter((s) => s.kind === 'content').map((s) => s.text).join('');
  send(200, wire.completion(ctx, opts.dialect === 'raw' ? { ...plan, reasoning: [] } : plan, content, plan.finishReason, usageOf(plan, plan.completionTokens)));
}

function resolveModel(dialect: Dialect, requested: unknown): string {
  const name = typeof requested === 'string' ? requested : '';
  // SGLang echoes whatever was asked for; llama.cpp serves its one model whatever the name
  if (dialect === 'sglang') return name || 'default';
  if (dialect === 'llamacpp') return modelsFor('llamacpp')[0]!;
  return name;
}

function earlyFault(opts: SimOptions, model: string): { status: number; message: string; headers?: Record<string, string> } | null {
  const known = modelsFor(opts.dialect);
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

function usageOf(plan: Plan, completion: number): Usage {
  return { prompt: plan.promptTokens, completion, reasoning: Math.min(completion, plan.reasoningTokens) };
}

/** Steps as this server emits them: a raw server inlines the think tags and tool-call text in content. */
function stepsFor(opts: SimOptions, plan: Plan): Step[] {
  const steps = stepsOf(plan);
  if (opts.dialect === 'ollama') {
    // Ollama parses the whole call before sending it: one delta with name and full arguments
    return steps.filter((s) => s.kind !== 'tool-args').map((s) => (s.kind === 'tool-start' ? { ...s, args: plan.toolCalls[s.index]!.arguments } : s));
  }
  if (opts.dialect !== 'raw') return steps;
  // no reasoning parser: think tags and tool-call text arrive inside content, as the model wrote them
  const out: Step[] = [];
  const opensTag = opts.rawThink === 'pair' || (opts.rawThink === 'auto' && plan.hybrid);
  if (plan.thinkingOff) out.push({ kind: 'content', text: '<think>\n\n</think>\n\n' });
  else if (plan.thinks && opensTag) out.push({ kind: 'content', text: '<think>\n' });
  let thinking = plan.thinks;
  const closeThink = () => {
    if (thinking) out.push({ kind: 'content', text: '\n</think>\n\n' });
    thinking = false;
  };
  for (const s of steps) {
    if (s.kind === 'reasoning') out.push({ kind: 'content', text: s.text });
    else if (s.kind === 'content') {
      closeThink();
      out.push(s);
    } else if (s.kind === 'tool-start') {
      closeThink();
      const call = plan.toolCalls[s.index]!;
      const args = JSON.stringify(JSON.parse(call.arguments)).replace(/":/g, '": ').replace(/,"/g, ', "');
      out.push({ kind: 'content', text: `${s.index ? '\n' : ''}<tool_call>\n{"name": "${call.name}", "arguments": ${args}}\n</tool_call>` });
    }
  }
  if (plan.finishReason !== 'length') closeThink();
  return out;
}

interface StreamJob {
  opts: SimOptions;
  wire: Wire;
  plan: Plan;
  ctx: StreamCtx;
  cors: Record<string, string>;
}

/** Token cost of a step: a tool call's opening (`<tool_call>` and its name) is several tokens in one delta. */
const stepTokens = (s: Step) => (s.kind === 'tool-start' ? 8 : 1);

/** Groups steps into server chunks of `tokensPerChunk` tokens; tool pieces never share a chunk with text. */
function chunksOf(steps: Step[], opts: SimOptions): Group[] {
  const random = rng(opts.seed * 7919 + 1);
  const [lo, hi] = opts.tokensPerChunk;
  const groups: Group[] = [];
  let current: Group = [];
  let budget = 0;
  const isText = (s: Step) => s.kind === 'reasoning' || s.kind === 'content';
  for (const step of steps) {
    if (current.length && (budget <= 0 || isText(step) !== isText(current[0]!) || step.kind === 'tool-start')) {
      groups.push(current);
      current = [];
    }
    if (!current.length) budget = lo + Math.floor(random() * (hi - lo + 1));
    current.push(step);
    budget -= stepTokens(step);
  }
  if (current.length) groups.push(current);
  return groups;
}

async function stream(req: IncomingMessage, res: ServerResponse, job: StreamJob): Promise<void> {
  const { opts, wire, plan, ctx } = job;
  const eol = opts.crlf ? '\r\n' : '\n';
  let closed = false;
  res.on('close', () => (closed = true));
  req.on('close', () => (closed = true));
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...job.cors });
  res.flushHeaders();
  const write = (text: string) => !closed && res.write(opts.crlf ? text.replace(/\n/g, eol) : text);
  const data = (obj: object) => write(`data: ${JSON.stringify(obj)}\n\n`);

  const groups = chunksOf(stepsFor(opts, plan), opts);
  const msPerToken = 1000 / opts.tps;
  let due = performance.now() + opts.ttftMs;
  let emitted = 0;
  let faulted = false;

  if (!(await waitUntil(due, () => closed, opts.pingMs, write))) return;
  for (const chunk of wire.opening(ctx, usageOf(plan, 0))) data(chunk);

  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!;
    if (!faulted && emitted >= opts.faultAfter && isStreamFault(opts.fault)) {
      faulted = true;
      switch (opts.fault) {
        case 'stream-error':
          write(wire.streamError('CUDA out of memory. Tried to allocate 2.00 GiB'));
          return void res.end();
        case 'drop':
          // what was written reaches the client and a moment passes (a browser throws away body data it has
          // not handed to the page yet when the connection fails); then the cut, without ending the chunked body
          await new Promise<void>((resolve) => res.write('', () => resolve()));
          await sleep(500);
          return void res.socket?.destroy();
        case 'truncate':
          return void res.end();
        case 'malformed':
          write(`data: {"id":"${ctx.id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"lo\n\n`);
          break;
        case 'stall':
          if (opts.stallMs === 0) return; // silent until the client gives up; close() cleans up
          due += opts.stallMs;
          break;
      }
    }
    const tokens = group.reduce((n, s) => n + stepTokens(s), 0);
    if (!(await waitUntil(due, () => closed, opts.pingMs, write))) return;
    emitted += tokens;
    const last = i === groups.length - 1;
    const usage = usageOf(plan, Math.min(emitted, plan.completionTokens));
    data(wire.chunk(ctx, group, usage, last && wire.finishOnLastChunk ? plan.finishReason : null));
    due += tokens * msPerToken;
  }
  const total = usageOf(plan, plan.completionTokens);
  if (!wire.finishOnLastChunk || groups.length === 0) data(wire.finishChunk(ctx, plan.finishReason, total));
  if (ctx.includeUsage) data(wire.usageChunk(ctx, total));
  write('data: [DONE]\n\n');
  res.end();
}

const isStreamFault = (f: SimOptions['fault']) => f === 'stream-error' || f === 'drop' || f === 'truncate' || f === 'malformed' || f === 'stall';

/** Sleeps until `due` (absolute, so pacing does not drift), pinging meanwhile; false when the client went away. */
async function waitUntil(due: number, gone: () => boolean, pingMs: number, write: (t: string) => unknown): Promise<boolean> {
  let lastPing = performance.now();
  for (;;) {
    if (gone()) return false;
    const now = performance.now();
    if (now >= due) return true;
    if (pingMs > 0 && now - lastPing >= pingMs) {
      write(': ping\n\n');
      lastPing = now;
    }
    await sleep(Math.min(due - now, pingMs > 0 ? pingMs : 50));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
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
