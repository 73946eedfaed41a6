// Paced streaming of one answer: the plan as this server's chunks, on time, with the in-stream faults.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimOptions } from './options.ts';
import type { Group, StreamCtx, Usage, Wire } from './dialects.ts';
import { rng, stepsOf, type Plan, type Step } from './script.ts';

export function usageOf(plan: Plan, completion: number): Usage {
  return { prompt: plan.promptTokens, completion, reasoning: Math.min(completion, plan.reasoningTokens) };
}

/** Steps as this server emits them: a raw server inlines the think tags and tool-call text in content. */
export function stepsFor(opts: SimOptions, plan: Plan): Step[] {
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

export interface StreamJob {
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

export async function stream(req: IncomingMessage, res: ServerResponse, job: StreamJob): Promise<void> {
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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

