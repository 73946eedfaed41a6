// An agent turn's totals: model calls, tool calls, tokens in and out, model time, tool time and wall time. Absent (null) where no event earned them.
import type { MetricsSnapshot, TokenCount } from './metrics.ts';

export interface ToolSpan {
  /** which model call asked for it */
  call: number;
  startedAt: number | null;
  endedAt: number | null;
}

export interface AgentTotals {
  /** model calls */
  steps: number;
  toolCalls: number;
  /** prompt tokens of every call, as the servers reported them; null unless every call reported */
  promptTokens: number | null;
  /** output tokens of every call; `chunks` (an estimate) when any call's count was one */
  outputTokens: TokenCount | null;
  /** the model calls' own time, request to last token, added up */
  modelMs: number | null;
  /** time the loop waited for tools: per model call, its first tool's start to its last tool's end (parallel calls overlap) */
  toolMs: number | null;
}

/** `calls`: the metrics of every model call of the turn, the live or last one included. */
export function agentTotals(calls: MetricsSnapshot[], tools: ToolSpan[]): AgentTotals {
  let prompt: number | null = 0;
  let output = null as TokenCount | null;
  let model = null as number | null;
  for (const m of calls) {
    prompt = prompt !== null && m.promptTokens !== null ? prompt + m.promptTokens : null;
    if (m.outputTokens) output = { value: (output?.value ?? 0) + m.outputTokens.value, source: output?.source === 'chunks' || m.outputTokens.source === 'chunks' ? 'chunks' : m.outputTokens.source };
    if (m.totalMs !== null) model = (model ?? 0) + m.totalMs;
  }
  const spans = new Map<number, [number, number]>();
  for (const t of tools) {
    if (t.startedAt === null || t.endedAt === null) continue;
    const span = spans.get(t.call);
    spans.set(t.call, span ? [Math.min(span[0], t.startedAt), Math.max(span[1], t.endedAt)] : [t.startedAt, t.endedAt]);
  }
  const toolMs = spans.size ? [...spans.values()].reduce((sum, [a, b]) => sum + (b - a), 0) : null;
  return { steps: calls.length, toolCalls: tools.length, promptTokens: calls.length ? prompt : null, outputTokens: output, modelMs: model, toolMs };
}
