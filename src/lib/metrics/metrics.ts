// Turns one run's stream events into timing and token metrics: O(1) per event, cheap snapshots.
import { isTokenEvent, type StreamEvent, type TokenSource } from '../stream/events';
import { SortedSample, type SampleStats } from './sorted-sample.ts';

export type TokenCount = { value: number; source: TokenSource };

export type GapStats = SampleStats;

export interface TokensPerChunk {
  /** true when every chunk's size came from cumulative usage deltas, not a guess */
  exact: boolean;
  mean: number | null;
  histogram: Array<{ tokens: number; count: number }>;
}

export interface MetricsSnapshot {
  ttfbMs: number | null; // response headers
  firstEventMs: number | null; // first server chunk of any kind
  ttftMs: number | null;
  ttfaMs: number | null; // first answer (content or tool call) chunk
  thinkingMs: number | null; // first reasoning -> first answer, or -> last reasoning while it streams with none
  answeringMs: number | null;
  totalMs: number | null;
  outputTokens: TokenCount | null;
  reasoningTokens: TokenCount | null;
  promptTokens: number | null;
  decodeTps: number | null; // (tokens - 1) over first -> last token chunk
  liveTps: number | null;
  itl: GapStats | null; // gaps between token chunks, as vLLM's benchmark counts them
  tpotMs: number | null; // vLLM's TPOT: first -> last token chunk over (tokens - 1)
  chunks: number; // token-bearing chunks
  tokensPerChunk: TokensPerChunk;
  prefillTps: { value: number; source: 'server' | 'estimate' } | null;
  engineStats: Record<string, number> | null;
}

/** liveWindowMs: width of the live tok/s window (default 2000) */
export type RunMetricsOptions = { liveWindowMs?: number };

/** Index of the first element > x in an ascending array (n when none). */
function upperBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A delta counts as a token only when the model produced something visible in it. */
function carriesTokens(e: Extract<StreamEvent, { type: 'reasoning' | 'content' | 'tool-call' }>): boolean {
  // A tool call's first fragment often has the name and empty arguments: the name is generated text.
  return e.type === 'tool-call' ? e.argsDelta !== '' || !!e.name : e.text !== '';
}

const positive = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x) && x > 0;

export class RunMetrics {
  readonly #startedAt: number;
  readonly #windowMs: number;

  #openAt: number | null = null;
  #firstSeqAt: number | null = null;
  #firstReasoningAt: number | null = null;
  #lastReasoningAt: number | null = null;
  #firstAnswerAt: number | null = null;
  #lastAnswerAt: number | null = null;
  #endAt: number | null = null;
  #lastEventAt: number | null = null;
  #reasoningChunks = 0;
  #answerChunks = 0;

  // The chunk being read: events of one seq arrive together and take the time of the first one.
  #seq: number | null = null;
  #seqAt = 0;
  #seqHasChunk = false;
  #seqReasoning = false;
  #seqAnswer = false;
  #seqPendingDelta: number | null = null;

  // Token-bearing chunks, in arrival order; prefix sums let the live window be read in O(log n).
  #chunkAt: number[] = [];
  #tokenPrefix: number[] = [];
  #lastChunkTokens = 0;
  #lastChunkExact = false;
  #exactChunks = 0;
  #exactTokens = 0;
  #histogram = new Map<number, number>();

  #gaps = new SortedSample();

  #usage: Extract<StreamEvent, { type: 'usage' }> | null = null;
  #reasoningTokens: number | null = null;
  #cumulativeSeen = false;
  #lastCumulative = 0;
  #engineStats: Record<string, number> | null = null;
  #engineSource: 'llamacpp' | 'webllm' | null = null;

  constructor(startedAt: number, options: RunMetricsOptions = {}) {
    this.#startedAt = startedAt;
    this.#windowMs = options.liveWindowMs ?? 2000;
  }

  push(e: StreamEvent): void {
    this.#lastEventAt = e.at;
    if ('seq' in e && e.seq !== this.#seq) this.#beginSeq(e.seq, e.at);

    if (isTokenEvent(e)) {
      if (!carriesTokens(e)) return;
      if (!this.#seqHasChunk) this.#addChunk();
      if (e.type === 'reasoning') {
        this.#firstReasoningAt ??= this.#seqAt;
        this.#lastReasoningAt = this.#seqAt;
        if (!this.#seqReasoning) this.#reasoningChunks++;
        this.#seqReasoning = true;
      } else {
        this.#firstAnswerAt ??= this.#seqAt;
        this.#lastAnswerAt = this.#seqAt;
        if (!this.#seqAnswer) this.#answerChunks++;
        this.#seqAnswer = true;
      }
      return;
    }

    switch (e.type) {
      case 'open':
        this.#openAt ??= e.at;
        break;
      case 'usage':
        this.#usage = e;
        if (e.reasoningTokens !== undefined) this.#reasoningTokens = e.reasoningTokens;
        if (e.cumulative) this.#takeCumulative(e.completionTokens);
        break;
      case 'reclassify':
        if (e.to === 'reasoning') this.#answerWasReasoning();
        else this.#reasoningWasAnswer();
        break;
      case 'engine-stats':
        this.#engineStats = e.stats;
        this.#engineSource = e.source;
        break;
      case 'done':
      case 'stopped':
      case 'error':
        // The first end is the real one; a late error after done must not stretch the run.
        this.#endAt ??= e.at;
        break;
    }
  }

  #beginSeq(seq: number, at: number): void {
    this.#firstSeqAt ??= at;
    this.#seq = seq;
    this.#seqAt = at;
    this.#seqHasChunk = false;
    this.#seqReasoning = false;
    this.#seqAnswer = false;
    this.#seqPendingDelta = null;
  }

  /** A lone `</think>`: the chunks counted as answer were reasoning, and the answer is still to come. */
  #answerWasReasoning(): void {
    if (this.#firstAnswerAt === null) return;
    this.#firstReasoningAt = Math.min(this.#firstReasoningAt ?? Infinity, this.#firstAnswerAt);
    this.#lastReasoningAt = Math.max(this.#lastReasoningAt ?? -Infinity, this.#lastAnswerAt!);
    // the rule applies only while no reasoning came before, so no chunk is counted twice
    this.#reasoningChunks += this.#answerChunks;
    this.#seqReasoning ||= this.#seqAnswer;
    this.#answerChunks = 0;
    this.#seqAnswer = false;
    this.#firstAnswerAt = this.#lastAnswerAt = null;
  }

  /** Reasoning that could not be real was the answer, from its first token: no time was spent thinking. */
  #reasoningWasAnswer(): void {
    if (this.#firstReasoningAt === null) return;
    this.#firstAnswerAt = Math.min(this.#firstAnswerAt ?? Infinity, this.#firstReasoningAt);
    this.#lastAnswerAt = Math.max(this.#lastAnswerAt ?? -Infinity, this.#lastReasoningAt!);
    this.#answerChunks += this.#reasoningChunks;
    this.#seqAnswer ||= this.#seqReasoning;
    this.#reasoningChunks = 0;
    this.#seqReasoning = false;
    // thinking time reads 0: the first answer token is the first token
    this.#lastReasoningAt = this.#firstReasoningAt;
  }

  #addChunk(): void {
    const at = this.#seqAt;
    const n = this.#chunkAt.length;
    if (n > 0) this.#gaps.add(at - this.#chunkAt[n - 1]!);
    this.#chunkAt.push(at);
    this.#seqHasChunk = true;
    // Usage that came earlier in this same seq already told us the chunk's size.
    const pending = this.#seqPendingDelta;
    this.#lastChunkExact = pending !== null;
    this.#lastChunkTokens = pending ?? 1;
    this.#seqPendingDelta = null;
    this.#tokenPrefix.push((n > 0 ? this.#tokenPrefix[n - 1]! : 0) + this.#lastChunkTokens);
    if (this.#lastChunkExact) this.#countExact(null, this.#lastChunkTokens);
  }

  /** Running totals give each chunk its exact size: the delta since the previous total. */
  #takeCumulative(total: number): void {
    this.#cumulativeSeen = true;
    // A total that goes backwards is a server bug; never let it make a negative chunk.
    const delta = Math.max(0, total - this.#lastCumulative);
    this.#lastCumulative = Math.max(this.#lastCumulative, total);
    const n = this.#chunkAt.length;
    if (this.#seqHasChunk || (n > 0 && !this.#lastChunkExact)) {
      // Same seq as the text, or (some servers) a usage-only message right after the text.
      const before = this.#lastChunkExact ? this.#lastChunkTokens : null;
      const tokens = (before ?? 0) + delta;
      this.#lastChunkExact = true;
      this.#tokenPrefix[n - 1] = this.#tokenPrefix[n - 1]! - this.#lastChunkTokens + tokens;
      this.#lastChunkTokens = tokens;
      this.#countExact(before, tokens);
    } else {
      // Before the text of its seq, or a final total with no text (an EOS token counted but unseen).
      this.#seqPendingDelta = (this.#seqPendingDelta ?? 0) + delta;
    }
  }

  /** Moves a chunk in the histogram from `before` tokens (null: it was not exact yet) to `after`. */
  #countExact(before: number | null, after: number): void {
    if (before !== null) {
      this.#exactTokens -= before;
      const left = (this.#histogram.get(before) ?? 0) - 1;
      if (left > 0) this.#histogram.set(before, left);
      else this.#histogram.delete(before);
    } else {
      this.#exactChunks++;
    }
    this.#exactTokens += after;
    this.#histogram.set(after, (this.#histogram.get(after) ?? 0) + 1);
  }

  /** What the trace's rate chart needs at `now`: O(1), where a full snapshot also merges the gaps for its percentiles. */
  rate(now: number): Pick<MetricsSnapshot, 'ttftMs' | 'liveTps'> {
    const firstTokenAt = this.#chunkAt[0] ?? null;
    return { ttftMs: firstTokenAt === null ? null : firstTokenAt - this.#startedAt, liveTps: this.#liveTps(now, firstTokenAt) };
  }

  snapshot(now?: number): MetricsSnapshot {
    const start = this.#startedAt;
    const since = (t: number | null): number | null => (t === null ? null : t - start);
    const chunks = this.#chunkAt.length;
    const firstTokenAt = chunks > 0 ? this.#chunkAt[0]! : null;
    const lastTokenAt = chunks > 0 ? this.#chunkAt[chunks - 1]! : null;
    const usage = this.#usage;

    const outputTokens: TokenCount | null = usage
      ? { value: usage.completionTokens, source: 'server' }
      : chunks > 0
        ? { value: chunks, source: 'chunks' }
        : null;
    const reasoningTokens: TokenCount | null =
      this.#reasoningTokens !== null
        ? { value: this.#reasoningTokens, source: 'server' }
        : this.#reasoningChunks > 0
          ? { value: this.#reasoningChunks, source: 'chunks' }
          : null;

    let decodeTps: number | null = null;
    let tpotMs: number | null = null;
    const span = firstTokenAt !== null && lastTokenAt !== null ? lastTokenAt - firstTokenAt : 0;
    if (outputTokens && chunks >= 2 && span > 0 && outputTokens.value > 1) {
      decodeTps = (outputTokens.value - 1) / (span / 1000);
      tpotMs = span / (outputTokens.value - 1);
    }

    let thinkingMs: number | null = null;
    if (this.#firstReasoningAt !== null) {
      const answerAfter = this.#firstAnswerAt !== null && this.#firstAnswerAt >= this.#firstReasoningAt;
      if (answerAfter) thinkingMs = this.#firstAnswerAt! - this.#firstReasoningAt;
      // the thinking so far while it streams; a run that ended with no answer never finished thinking
      else if (this.#firstAnswerAt !== null || this.#endAt === null) thinkingMs = this.#lastReasoningAt! - this.#firstReasoningAt;
    }

    const ttftMs = since(firstTokenAt);
    const promptTokens = usage ? usage.promptTokens : null;

    return {
      ttfbMs: since(this.#openAt),
      firstEventMs: since(this.#firstSeqAt),
      ttftMs,
      ttfaMs: since(this.#firstAnswerAt),
      thinkingMs,
      answeringMs: this.#firstAnswerAt !== null ? lastTokenAt! - this.#firstAnswerAt : null,
      totalMs: since(this.#endAt),
      outputTokens,
      reasoningTokens,
      promptTokens,
      decodeTps,
      liveTps: this.#liveTps(now ?? this.#lastEventAt ?? start, firstTokenAt),
      itl: this.#gaps.stats(),
      tpotMs,
      chunks,
      tokensPerChunk: this.#tokensPerChunk(chunks),
      prefillTps: this.#prefillTps(promptTokens, ttftMs),
      engineStats: this.#engineStats,
    };
  }

  #liveTps(now: number, firstTokenAt: number | null): number | null {
    if (firstTokenAt === null) return null;
    // After the end the rate stays what it was when the stream stopped, rather than decaying to 0.
    const t = this.#endAt !== null ? Math.min(now, this.#endAt) : now;
    const denomMs = Math.min(this.#windowMs, t - firstTokenAt);
    if (!(denomMs > 0)) return null;
    const hi = upperBound(this.#chunkAt, t);
    const lo = upperBound(this.#chunkAt, t - this.#windowMs);
    const sumTo = (i: number): number => (i > 0 ? this.#tokenPrefix[i - 1]! : 0);
    return (sumTo(hi) - sumTo(lo)) / (denomMs / 1000);
  }

  #tokensPerChunk(chunks: number): TokensPerChunk {
    // While streaming, the last chunk's usage may still be on its way in the next message.
    const allowedMissing = this.#endAt === null && !this.#lastChunkExact ? 1 : 0;
    const exact = this.#cumulativeSeen && this.#exactChunks > 0 && this.#exactChunks >= chunks - allowedMissing;
    if (exact) {
      const histogram = [...this.#histogram]
        .map(([tokens, count]) => ({ tokens, count }))
        .sort((a, b) => a.tokens - b.tokens);
      return { exact, mean: this.#exactTokens / this.#exactChunks, histogram };
    }
    const mean = this.#usage && chunks > 0 ? this.#usage.completionTokens / chunks : null;
    return { exact: false, mean, histogram: [] };
  }

  #prefillTps(promptTokens: number | null, ttftMs: number | null): MetricsSnapshot['prefillTps'] {
    const stats = this.#engineStats;
    const server =
      this.#engineSource === 'llamacpp'
        ? stats?.['prompt_per_second']
        : this.#engineSource === 'webllm'
          ? stats?.['prefill_tokens_per_s']
          : undefined;
    if (positive(server)) return { value: server, source: 'server' };
    if (promptTokens !== null && promptTokens > 0 && ttftMs !== null && ttftMs > 0) {
      return { value: promptTokens / (ttftMs / 1000), source: 'estimate' };
    }
    return null;
  }
}

/**
 * A run's answer time, request to end; none for an in-browser run that ended while it queued or its model
 * loaded (it never asked).
 */
export function answerTotalMs(metrics: MetricsSnapshot, before: { loadMs?: number | null; queuedMs?: number | null }): number | null {
  return (before.loadMs != null || before.queuedMs != null) && metrics.totalMs === 0 ? null : metrics.totalMs;
}
