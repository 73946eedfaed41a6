// Multi-turn figures by turn index: how TTFT and the prompt grow as a conversation's context does.
import { percentile } from '../metrics/sorted-sample.ts';
import type { RequestRecord } from './types.ts';

/** One turn index across every conversation of a sweep point. */
export interface TurnStats {
  /** 1 for each conversation's first request */
  turn: number;
  completed: number;
  failed: number;
  /** ttft mean/median/p<N> in ms, as the result's own keys */
  [metric: `${'mean' | 'median'}_${string}_ms` | `p${string}_ttft_ms`]: number | null;
  /** the server's usage.prompt_tokens (template included), mean over the turn's completed requests */
  mean_prompt_tokens: number | null;
  /** the tokens the client put in: its own exact-length texts, plus earlier answers by their completion_tokens */
  mean_input_len: number | null;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Figures per turn index; cancelled requests are left out, as in the totals. */
export function perTurn(records: RequestRecord[], turns: number, percentiles: number[]): TurnStats[] {
  return Array.from({ length: turns }, (_, i) => {
    const turn = i + 1;
    const mine = records.filter((r) => (r.turn ?? 1) === turn && r.errorKind !== 'cancelled');
    const done = mine.filter((r) => r.ok);
    const ttfts = done.map((r) => r.ttftMs).filter((x): x is number => x !== null);
    const sorted = Float64Array.from(ttfts).sort();
    const prompt = done.map((r) => r.promptTokens).filter((x): x is number => x !== null);
    const stats: TurnStats = {
      turn,
      completed: done.length,
      failed: mine.length - done.length,
      mean_ttft_ms: mean(ttfts),
      median_ttft_ms: sorted.length ? percentile(sorted, 50) : null,
      mean_e2el_ms: mean(done.map((r) => r.e2elMs)),
      mean_prompt_tokens: mean(prompt),
      mean_input_len: mean(done.map((r) => r.inputLen)),
    };
    for (const p of percentiles) stats[`p${p}_ttft_ms`] = sorted.length ? percentile(sorted, p) : null;
    return stats;
  });
}
