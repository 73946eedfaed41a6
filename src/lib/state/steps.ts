// An agent turn's record for the screen: its finished model calls and its tool executions, folded from their events.
import type { ChatMessage } from '../engines/types.ts';
import type { MarkdownView } from '../markdown/incremental.ts';
import type { MetricsSnapshot } from '../metrics/metrics.ts';
import type { StreamEvent, ToolResultState } from '../stream/events.ts';
import type { ToolCallState } from '../stream/tool-calls.ts';

/** A model call of an agent turn that ended with tool calls (the last call of a turn is the run's live answer). */
export interface ModelCall {
  answer: MarkdownView;
  answerText: string;
  reasoning: string;
  toolCalls: ToolCallState[];
  metrics: MetricsSnapshot;
  /** ms on the run's clock (from its creation) */
  from: number;
  to: number;
}

export type ToolStepState = 'asking' | 'running' | ToolResultState;

export interface ToolStep {
  id: string;
  name: string;
  args: string;
  state: ToolStepState;
  /** the text the model read back (untrusted) */
  result: string | null;
  /** which model call asked for it (index into the run's calls) */
  call: number;
  /** ms on the run's clock: asked, started running (null while asking or when refused), ended */
  askedAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

/** Folds one tool event into the list (a new array when it changed). */
export function foldToolEvent(steps: ToolStep[], e: Extract<StreamEvent, { type: 'tool-ask' | 'tool-start' | 'tool-result' }>, call: number, origin: number): ToolStep[] {
  const at = e.at - origin;
  const i = steps.findIndex((s) => s.id === e.id && s.call === call);
  if (e.type === 'tool-result') {
    if (i < 0) return steps;
    return steps.with(i, { ...steps[i]!, state: e.state, result: e.text, endedAt: at });
  }
  const state: ToolStepState = e.type === 'tool-ask' ? 'asking' : 'running';
  if (i >= 0) return steps.with(i, { ...steps[i]!, state, startedAt: e.type === 'tool-start' ? at : null });
  return [...steps, { id: e.id, name: e.name, args: e.args, state, result: null, call, askedAt: at, startedAt: e.type === 'tool-start' ? at : null, endedAt: null }];
}

/**
 * An earlier turn as the model reads it again: each model call that asked for tools, with the ids the loop
 * gave them, and their results, then the final answer. Reasoning is left out, as Qwen3's chat template
 * drops that of earlier turns. Built from the steps alone, so a turn replayed from history reads the same.
 */
export function turnMessages(turn: { calls: readonly ModelCall[]; toolSteps: readonly ToolStep[]; answerText: string }): ChatMessage[] {
  const messages: ChatMessage[] = [];
  turn.calls.forEach((call, i) => {
    // the steps come in the order of the calls (each is asked or started as its call is read)
    const steps = turn.toolSteps.filter((s) => s.call === i);
    if (!steps.length) {
      if (call.answerText) messages.push({ role: 'assistant', content: call.answerText });
      return;
    }
    messages.push({
      role: 'assistant',
      content: call.answerText,
      tool_calls: steps.map((s) => ({ id: s.id, type: 'function', function: { name: s.name, arguments: s.args } })),
    });
    // every call needs its answer, even one the turn was stopped before it returned
    for (const s of steps) messages.push({ role: 'tool', tool_call_id: s.id, content: s.result ?? 'The call was stopped before it returned.' });
  });
  if (turn.answerText) messages.push({ role: 'assistant', content: turn.answerText });
  return messages;
}
