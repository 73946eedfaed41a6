// Wire formats of the real servers: how each one spells chunks, finishes, usage, errors and model lists.
import type { Dialect } from './options.ts';
import type { Plan, Step } from './script.ts';

/** One server chunk's worth of steps: reasoning/content tokens, or tool-call pieces. */
export type Group = Step[];

export interface Usage {
  prompt: number;
  completion: number;
  reasoning: number;
}

export interface StreamCtx {
  id: string;
  created: number;
  model: string;
  /** usage on every chunk: vLLM continuous_usage_stats, NIM always */
  continuousUsage: boolean;
  includeUsage: boolean;
  /** the simulated speeds, which llama.cpp reports back in `timings` */
  speeds: { prefillMs: number; tps: number };
}

export interface Wire {
  /** chunks sent before the first token (the role chunk) */
  opening(ctx: StreamCtx, usage: Usage): object[];
  /** the chunk for one group of steps; `finish` is set when it is the last group and the server puts the finish on it */
  chunk(ctx: StreamCtx, group: Group, usage: Usage, finish: string | null): object;
  /** true when finish_reason rides on the last token chunk; false when it comes as a separate chunk */
  finishOnLastChunk: boolean;
  finishChunk(ctx: StreamCtx, finish: string, usage: Usage): object;
  usageChunk(ctx: StreamCtx, usage: Usage): object;
  /** an HTTP error body */
  errorBody(status: number, message: string): object;
  /** what the server writes when it fails inside a 200 stream (SSE text, framing included) */
  streamError(message: string): string;
  models(ids: string[], created: number): object;
  /** a non-streaming response */
  completion(ctx: StreamCtx, plan: Plan, content: string, finish: string, usage: Usage): object;
}

const base = (ctx: StreamCtx) => ({ id: ctx.id, object: 'chat.completion.chunk', created: ctx.created, model: ctx.model });

function textOf(group: Group, kind: 'reasoning' | 'content'): string {
  return group.filter((s) => s.kind === kind).map((s) => (s as { text: string }).text).join('');
}

/**
 * A delta of the parser-based servers: only the fields with something in them (pydantic exclude_unset),
 * reasoning under the names the server uses.
 */
function sparseDelta(group: Group, reasoningKeys: string[], toolCall: (g: Group) => object[] | null): Record<string, unknown> {
  const delta: Record<string, unknown> = {};
  const reasoning = textOf(group, 'reasoning');
  const content = textOf(group, 'content');
  if (reasoning) for (const key of reasoningKeys) delta[key] = reasoning;
  if (content) delta.content = content;
  const tools = toolCall(group);
  if (tools) delta.tool_calls = tools;
  return delta;
}

/** vLLM's hermes parser: id, type and name once (no arguments key), then argument fragments by index. */
function vllmToolDeltas(group: Group): object[] | null {
  const out: object[] = [];
  for (const s of group) {
    if (s.kind === 'tool-start')
      out.push({ id: `chatcmpl-tool-${s.id.padEnd(32, '0')}`, type: 'function', index: s.index, function: { name: s.name } });
    else if (s.kind === 'tool-args') out.push({ index: s.index, function: { arguments: s.text } });
  }
  return out.length ? out : null;
}

const usageJson = (u: Usage) => ({ prompt_tokens: u.prompt, total_tokens: u.prompt + u.completion, completion_tokens: u.completion });

function vllm(reasoningKeys: string[], nullReasoningOnContent: boolean, flatErrors: boolean): Wire {
  return {
    finishOnLastChunk: true,
    opening: (ctx, usage) => [
      {
        ...base(ctx),
        choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
        ...(ctx.continuousUsage ? { usage: usageJson(usage) } : {}),
      },
    ],
    chunk(ctx, group, usage, finish) {
      const delta = sparseDelta(group, reasoningKeys, vllmToolDeltas);
      // 0.11.1–0.15 carried the old field explicitly set to null on answer chunks
      if (nullReasoningOnContent && !textOf(group, 'reasoning') && delta.content !== undefined) delta.reasoning_content = null;
      const choice: Record<string, unknown> = { index: 0, delta, logprobs: null, finish_reason: finish };
      if (finish) choice.stop_reason = null;
      return { ...base(ctx), choices: [choice], ...(ctx.continuousUsage ? { usage: usageJson(usage) } : {}) };
    },
    finishChunk: (ctx, finish, usage) => ({
      ...base(ctx),
      choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: finish, stop_reason: null }],
      ...(ctx.continuousUsage ? { usage: usageJson(usage) } : {}),
    }),
    usageChunk: (ctx, usage) => ({ ...base(ctx), choices: [], usage: usageJson(usage) }),
    errorBody(status, message) {
      if (status === 401) return { error: 'Unauthorized' };
      const info = { message, type: vllmErrorType(status), param: null, code: status };
      return flatErrors ? { object: 'error', ...info } : { error: info };
    },
    streamError: (message) => {
      const info = { message, type: 'InternalServerError', param: null, code: 500 };
      return `data: ${JSON.stringify({ error: flatErrors ? { object: 'error', ...info } : info })}\n\ndata: [DONE]\n\n`;
    },
    models: (ids, created) => ({
      object: 'list',
      data: ids.map((id) => ({
        id,
        object: 'model',
        created,
        owned_by: 'vllm',
        root: id,
        parent: null,
        max_model_len: 262144,
        permission: [
          {
            id: `modelperm-${hex(id, 32)}`,
            object: 'model_permission',
            created,
            allow_create_engine: false,
            allow_sampling: true,
            allow_logprobs: true,
            allow_search_indices: false,
            allow_view: true,
            allow_fine_tuning: false,
            organization: '*',
            group: null,
            is_blocking: false,
          },
        ],
      })),
    }),
    completion: (ctx, plan, content, finish, usage) => {
      const message: Record<string, unknown> = { role: 'assistant', content: content || null, refusal: null, annotations: null, audio: null, function_call: null };
      const reasoning = plan.reasoning.join('') || null;
      for (const key of reasoningKeys) message[key] = reasoning;
      message.tool_calls = plan.toolCalls.map((c) => ({ id: `chatcmpl-tool-${c.id.padEnd(32, '0')}`, type: 'function', function: { name: c.name, arguments: c.arguments } }));
      return {
        id: ctx.id,
        object: 'chat.completion',
        created: ctx.created,
        model: ctx.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finish, stop_reason: null }],
        usage: { ...usageJson(usage), prompt_tokens_details: null },
        prompt_logprobs: null,
        kv_transfer_params: null,
      };
    },
  };
}

function vllmErrorType(status: number): string {
  return { 400: 'BadRequestError', 403: 'Forbidden', 404: 'NotFoundError', 429: 'Too Many Requests', 503: 'Service Unavailable' }[status] ?? 'InternalServerError';
}

/** SGLang: pydantic dumps with every field, nulls explicit; a separate finish chunk carrying matched_stop. */
const sglang: Wire = {
  finishOnLastChunk: false,
  opening: (ctx) => [sglangChunk(ctx, { role: 'assistant', content: '', reasoning_content: null, tool_calls: null }, null, null, null)],
  chunk(ctx, group, usage) {
    const reasoning = textOf(group, 'reasoning');
    const content = textOf(group, 'content');
    const tools: object[] = [];
    for (const s of group) {
      if (s.kind === 'tool-start')
        tools.push({ id: `call_${s.id.padEnd(24, '0')}`, index: s.index, type: 'function', function: { name: s.name, arguments: '' } });
      else if (s.kind === 'tool-args') tools.push({ id: null, index: s.index, type: 'function', function: { name: null, arguments: s.text } });
    }
    const delta = { role: null, content: content || null, reasoning_content: reasoning || null, tool_calls: tools.length ? tools : null };
    return sglangChunk(ctx, delta, null, null, ctx.continuousUsage ? sglangUsage(usage) : null);
  },
  finishChunk: (ctx, finish) =>
    sglangChunk(ctx, { role: null, content: null, reasoning_content: null, tool_calls: null }, finish, finish === 'length' ? null : 151645, null),
  usageChunk: (ctx, usage) => ({ ...base(ctx), choices: [], usage: sglangUsage(usage) }),
  errorBody: (status, message) =>
    status === 401 ? { error: 'Unauthorized' } : { object: 'error', message, type: status === 404 ? 'NotFoundError' : status === 400 ? 'BadRequestError' : String(status), param: null, code: status },
  streamError: (message) => `data: ${JSON.stringify({ error: { object: 'error', message, type: 'InternalServerError', param: null, code: 500 } })}\n\ndata: [DONE]\n\n`,
  models: (ids, created) => ({ object: 'list', data: ids.map((id) => ({ id, object: 'model', created, owned_by: 'sglang', root: id, parent: null, max_model_len: 262144 })) }),
  completion: (ctx, plan, content, finish, usage) => ({
    id: ctx.id,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: content || null,
          reasoning_content: plan.reasoning.join('') || null,
          tool_calls: plan.toolCalls.length
            ? plan.toolCalls.map((c, index) => ({ id: `call_${c.id.padEnd(24, '0')}`, index, type: 'function', function: { name: c.name, arguments: c.arguments } }))
            : null,
        },
        logprobs: null,
        finish_reason: finish,
        matched_stop: finish === 'stop' ? 151645 : null,
      },
    ],
    usage: sglangUsage(usage),
    metadata: { weight_version: 'default' },
  }),
};

function sglangChunk(ctx: StreamCtx, delta: object, finish: string | null, matchedStop: number | null, usage: object | null): object {
  return { ...base(ctx), choices: [{ index: 0, delta, logprobs: null, finish_reason: finish, matched_stop: matchedStop }], usage };
}

const sglangUsage = (u: Usage) => ({ ...usageJson(u), prompt_tokens_details: null, reasoning_tokens: u.reasoning });

/** Hosted NIM: vLLM-shaped chunks with reasoning_content and the running usage on every chunk. */
const nim: Wire = (() => {
  const inner = vllm(['reasoning_content'], false, false);
  return {
    ...inner,
    opening: (ctx, usage) => inner.opening({ ...ctx, continuousUsage: true }, usage),
    chunk: (ctx, group, usage, finish) => inner.chunk({ ...ctx, continuousUsage: true }, group, usage, finish),
    errorBody: (status, message) =>
      status === 401 || status === 403
        ? { status, title: status === 401 ? 'Unauthorized' : 'Forbidden', detail: message }
        : status === 404
          ? { status: 404, title: 'Not Found', detail: message }
          : { error: { message, type: vllmErrorType(status), param: null, code: status } },
    models: (ids, created) => ({ object: 'list', data: ids.map((id) => ({ id, object: 'model', created, owned_by: id.split('/')[0] ?? 'system', root: id, parent: null, max_model_len: null })) }),
  };
})();

/** llama.cpp: alphabetical keys, content null on the role chunk, separate finish chunk, usage with timings. */
const llamacpp: Wire = {
  finishOnLastChunk: false,
  opening: (ctx) => [llamaChunk(ctx, { role: 'assistant', content: null }, null)],
  chunk(ctx, group) {
    const delta: Record<string, unknown> = {};
    const reasoning = textOf(group, 'reasoning');
    const content = textOf(group, 'content');
    if (content) delta.content = content;
    if (reasoning) delta.reasoning_content = reasoning;
    const tools: object[] = [];
    for (const s of group) {
      if (s.kind === 'tool-start') tools.push({ index: s.index, id: s.id.padEnd(32, 'x'), type: 'function', function: { name: s.name } });
      else if (s.kind === 'tool-args') tools.push({ index: s.index, function: { arguments: s.text } });
    }
    if (tools.length) delta.tool_calls = tools;
    return llamaChunk(ctx, delta, null);
  },
  finishChunk: (ctx, finish, usage) => ({ ...llamaChunk(ctx, {}, finish), ...(ctx.includeUsage ? {} : { timings: llamaTimings(usage, ctx.speeds) }) }),
  usageChunk: (ctx, usage) => ({
    choices: [],
    created: ctx.created,
    id: ctx.id,
    model: ctx.model,
    system_fingerprint: 'b7130-5f3a2d1',
    object: 'chat.completion.chunk',
    usage: { completion_tokens: usage.completion, prompt_tokens: usage.prompt, total_tokens: usage.prompt + usage.completion, prompt_tokens_details: { cached_tokens: 0 } },
    timings: llamaTimings(usage, ctx.speeds),
  }),
  errorBody: (status, message) => ({ error: { code: status, message, type: llamaErrorType(status) } }),
  streamError: (message) => `data: ${JSON.stringify({ error: { code: 500, message, type: 'server_error' } })}\n\n`,
  models: (ids, created) => ({
    models: ids.map((id) => ({ name: id, model: id, modified_at: '', size: '', digest: '', type: 'model', description: '', tags: [''], capabilities: ['completion'], parameters: '', details: {} })),
    object: 'list',
    data: ids.map((id) => ({ id, object: 'model', created, owned_by: 'llamacpp', meta: { vocab_type: 2, n_vocab: 151936, n_ctx: 65536, n_ctx_train: 262144, n_embd: 2048, n_params: 79674391296, size: 48417433600 } })),
  }),
  completion: (ctx, plan, content, finish, usage) => ({
    choices: [
      {
        finish_reason: finish,
        index: 0,
        message: {
          role: 'assistant',
          content: content || null,
          ...(plan.reasoning.length ? { reasoning_content: plan.reasoning.join('') } : {}),
          ...(plan.toolCalls.length ? { tool_calls: plan.toolCalls.map((c) => ({ type: 'function', function: { name: c.name, arguments: c.arguments }, id: c.id.padEnd(32, 'x') })) } : {}),
        },
      },
    ],
    created: ctx.created,
    model: ctx.model,
    system_fingerprint: 'b7130-5f3a2d1',
    object: 'chat.completion',
    usage: { completion_tokens: usage.completion, prompt_tokens: usage.prompt, total_tokens: usage.prompt + usage.completion },
    id: ctx.id,
    timings: llamaTimings(usage, ctx.speeds),
  }),
};

function llamaChunk(ctx: StreamCtx, delta: object, finish: string | null): Record<string, unknown> {
  return { choices: [{ finish_reason: finish, index: 0, delta }], created: ctx.created, id: ctx.id, model: ctx.model, system_fingerprint: 'b7130-5f3a2d1', object: 'chat.completion.chunk' };
}

function llamaErrorType(status: number): string {
  return { 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 503: 'unavailable_error' }[status] ?? 'server_error';
}

/** llama.cpp's own measurement, derived from the simulated speeds so that it agrees with what the client sees. */
function llamaTimings(u: Usage, { prefillMs, tps }: StreamCtx['speeds']): Record<string, number> {
  const predictedMs = (u.completion / tps) * 1000;
  return {
    cache_n: 0,
    prompt_n: u.prompt,
    prompt_ms: prefillMs,
    prompt_per_token_ms: prefillMs / Math.max(1, u.prompt),
    prompt_per_second: (u.prompt / prefillMs) * 1000,
    predicted_n: u.completion,
    predicted_ms: predictedMs,
    predicted_per_token_ms: predictedMs / Math.max(1, u.completion),
    predicted_per_second: tps,
  };
}

/** Ollama: `reasoning`, a whole tool call in one delta, its own error body and model list. */
const ollama: Wire = {
  finishOnLastChunk: false,
  opening: () => [],
  chunk(ctx, group) {
    const delta: Record<string, unknown> = { role: 'assistant', content: textOf(group, 'content') };
    const reasoning = textOf(group, 'reasoning');
    if (reasoning) delta.reasoning = reasoning;
    const starts = group.filter((s) => s.kind === 'tool-start');
    if (starts.length)
      delta.tool_calls = starts.map((s) => ({ id: `call_${s.id}`, index: s.index, type: 'function', function: { name: s.name, arguments: s.kind === 'tool-start' ? (s.args ?? '') : '' } }));
    return { ...base(ctx), system_fingerprint: 'fp_ollama', choices: [{ index: 0, delta, finish_reason: null }] };
  },
  finishChunk: (ctx, finish) => ({ ...base(ctx), system_fingerprint: 'fp_ollama', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: finish }] }),
  usageChunk: (ctx, usage) => ({ ...base(ctx), system_fingerprint: 'fp_ollama', choices: [], usage: usageJson(usage) }),
  errorBody: (_status, message) => ({ error: { message, type: 'api_error', param: null, code: null } }),
  streamError: (message) => `data: ${JSON.stringify({ error: { message, type: 'api_error', param: null, code: null } })}\n\n`,
  models: (ids, created) => ({ object: 'list', data: ids.map((id) => ({ id, object: 'model', created, owned_by: 'library' })) }),
  completion: (ctx, plan, content, finish, usage) => ({
    id: ctx.id,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    system_fingerprint: 'fp_ollama',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          ...(plan.reasoning.length ? { reasoning: plan.reasoning.join('') } : {}),
          ...(plan.toolCalls.length ? { tool_calls: plan.toolCalls.map((c, index) => ({ id: `call_${c.id}`, index, type: 'function', function: { name: c.name, arguments: c.arguments } })) } : {}),
        },
        finish_reason: finish,
      },
    ],
    usage: usageJson(usage),
  }),
};

export const WIRES: Record<Dialect, Wire> = {
  vllm: vllm(['reasoning'], false, false),
  'vllm-0.11': vllm(['reasoning', 'reasoning_content'], true, false),
  sglang,
  nim,
  llamacpp,
  ollama,
  // no reasoning parser: the text, tags and all, arrives in content (steps are rewritten before they get here)
  raw: vllm([], false, false),
};

/** A stable pseudo-hex string for ids. */
export function hex(seed: string, length: number): string {
  let h = 2166136261;
  let out = '';
  while (out.length < length) {
    for (const ch of seed + out.length) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}
