// Runs one tool call: finds the tool, checks its arguments, asks for approval if wanted, and says what happened as events.
import type { StreamEvent } from '../stream/events.ts';
import type { ToolCallState } from '../stream/tool-calls.ts';
import { checkArguments } from './arguments.ts';
import type { AgentTool, ToolOutcome } from './tool.ts';

export interface Call {
  id: string;
  name: string;
  /** as the model wrote them */
  args: string;
}

/** A result longer than this is cut: one runaway tool must not fill the model's context. */
export const MAX_RESULT_CHARS = 20_000;

export async function runCall(
  call: ToolCallState,
  tools: AgentTool[],
  emit: (e: StreamEvent) => void,
  signal: AbortSignal,
  approve?: (call: Call, signal: AbortSignal) => Promise<boolean>,
): Promise<void> {
  const now = () => performance.now();
  const args = call.arguments.trim() || '{}';
  const { id, name } = call;
  if (approve) {
    emit({ type: 'tool-ask', id, name, args, at: now() });
    let yes = false;
    try {
      yes = await approve({ id, name, args }, signal);
    } catch {
      // a stop while asking refuses the call
    }
    if (!yes) {
      const text = signal.aborted ? 'The call was stopped before it ran.' : 'The person declined to run this call. Do not try it again; answer with what you have, or ask them.';
      return emit({ type: 'tool-result', id, state: 'refused', text, at: now() });
    }
  }
  emit({ type: 'tool-start', id, name, args, at: now() });
  const outcome = await execute(call, tools, signal);
  const text = outcome.text.length > MAX_RESULT_CHARS ? `${outcome.text.slice(0, MAX_RESULT_CHARS)}\n[… cut: the result had ${outcome.text.length} characters]` : outcome.text;
  emit({ type: 'tool-result', id, state: outcome.ok ? 'done' : 'error', text, at: now() });
}

/** The outcome the model reads: the tool's result, or an error it can correct itself from. Never throws. */
export async function execute(call: ToolCallState, tools: AgentTool[], signal: AbortSignal): Promise<ToolOutcome> {
  const tool = tools.find((t) => t.name === call.name);
  if (!tool) {
    const names = tools.map((t) => t.name).join(', ') || 'none';
    return { ok: false, text: `Error: there is no tool named "${call.name}". The tools are: ${names}.` };
  }
  if (call.invalid) return { ok: false, text: `Error: ${call.invalid} Send the arguments as one JSON object that fits the tool's schema.` };
  let args: unknown;
  try {
    args = JSON.parse(call.arguments.trim() || '{}');
  } catch (err) {
    return { ok: false, text: `Error: the arguments are not valid JSON (${(err as Error).message}).` };
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return { ok: false, text: `Error: the arguments of ${tool.name} must be a JSON object.` };
  const problems = checkArguments(tool.parameters, args);
  if (problems) return { ok: false, text: `Error: invalid arguments for ${tool.name}: ${problems}` };
  try {
    const outcome = await tool.run(args as Record<string, unknown>, signal);
    return { ok: outcome.ok, text: outcome.text };
  } catch (err) {
    if (signal.aborted) return { ok: false, text: 'Error: the call was stopped.' };
    return { ok: false, text: `Error: ${tool.name} failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}
