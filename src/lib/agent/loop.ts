// The agent loop: model → tool calls → results → model, until an answer without a call or the step limit. Events all the way.
import type { ChatMessage, ChatRequest, Engine, ToolChoice, ToolSpec } from '../engines/types.ts';
import type { StreamEvent } from '../stream/events.ts';
import { ToolCallAccumulator, type ToolCallState } from '../stream/tool-calls.ts';
import { runCall, type Call } from './execute.ts';
import type { AgentTool } from './tool.ts';

export interface LoopOptions {
  tools: AgentTool[];
  /** the most model calls one turn may take */
  maxSteps: number;
  toolChoice?: ToolChoice;
  /** when set, asked before each call; resolves true to run it */
  approve?: (call: Call, signal: AbortSignal) => Promise<boolean>;
}

export const DEFAULT_MAX_STEPS = 10;

/** The tool as the model sees it: OpenAI's function tool. */
export function toolSpec(tool: AgentTool): ToolSpec {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}

/**
 * Runs one turn of an agent. Every model call's events pass through as they come; between calls come
 * `call-end`, the tools' `tool-start`/`tool-result`, and `call-start`. Ends with the last call's `done`
 * (after `step-limit` when the limit cut it short), or with `stopped` or an `error`.
 */
export async function* agentLoop(engine: Engine, request: ChatRequest, options: LoopOptions, signal: AbortSignal): AsyncGenerator<StreamEvent> {
  const messages: ChatMessage[] = [...request.messages];
  const tools = options.tools.length ? options.tools.map(toolSpec) : undefined;
  // a note (a server flag missing, a model switched) says once per turn what it would say at every call
  const said = new Set<string>();
  const usedIds = new Set<string>();
  for (let step = 0; ; step++) {
    if (step > 0) yield { type: 'call-start', at: performance.now() };
    const accumulator = new ToolCallAccumulator();
    let content = '';
    let reasoning = '';
    let end: Extract<StreamEvent, { type: 'done' | 'stopped' | 'error' }> | null = null;
    const call: ChatRequest = { ...request, messages: [...messages], tools, ...(tools && options.toolChoice ? { toolChoice: options.toolChoice } : {}) };
    for await (const e of engine.stream(call, signal)) {
      if (e.type === 'done' || e.type === 'stopped' || e.type === 'error') {
        end = e;
        break;
      }
      if (e.type === 'warning') {
        if (said.has(e.message)) continue;
        said.add(e.message);
      } else if (e.type === 'content') content += e.text;
      else if (e.type === 'reasoning') reasoning += e.text;
      else if (e.type === 'tool-call') accumulator.push(e);
      yield e;
    }
    if (!end) return; // the engine broke its promise of a last event: the panel ends the run as stopped
    if (end.type !== 'done') return yield end;
    const calls = accumulator.finish();
    if (!calls.length || !tools) return yield end;
    if (step + 1 >= options.maxSteps) {
      yield { type: 'step-limit', limit: options.maxSteps, at: end.at };
      return yield end;
    }
    yield { type: 'call-end', finishReason: end.finishReason, at: end.at };
    const named = calls.map((c) => ({ ...c, id: uniqueId(c, step, usedIds) }));
    messages.push({
      role: 'assistant',
      content,
      ...(reasoning ? { reasoning } : {}),
      tool_calls: named.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments.trim() || '{}' } })),
    });
    const results = new Map<string, string>();
    for await (const e of runTogether(named, options, signal)) {
      if (e.type === 'tool-result') results.set(e.id, e.text);
      yield e;
    }
    if (signal.aborted) return yield { type: 'stopped', at: performance.now() };
    // returned in the order of the calls, whatever order they finished in
    for (const c of named) messages.push({ role: 'tool', tool_call_id: c.id, content: results.get(c.id) ?? '' });
  }
}

/** A call's id as the model gave it, unless missing or used before in this turn (text calls, some servers). */
function uniqueId(call: ToolCallState, step: number, used: Set<string>): string {
  let id = call.id && !used.has(call.id) ? call.id : `call_${step + 1}_${call.index}`;
  while (used.has(id)) id += '_';
  used.add(id);
  return id;
}

/** Runs the calls of one model turn together; their events come as they happen. */
async function* runTogether(calls: ToolCallState[], options: LoopOptions, signal: AbortSignal): AsyncGenerator<StreamEvent> {
  const queue: StreamEvent[] = [];
  let wake: () => void = () => {};
  const emit = (e: StreamEvent) => {
    queue.push(e);
    wake();
  };
  let pending = calls.length;
  for (const c of calls)
    void runCall(c, options.tools, emit, signal, options.approve).finally(() => {
      pending--;
      wake();
    });
  while (pending > 0 || queue.length) {
    if (!queue.length) await new Promise<void>((resolve) => (wake = resolve));
    yield* queue.splice(0);
  }
}
