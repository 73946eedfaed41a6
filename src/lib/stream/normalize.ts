// Turns one server's SSE messages into StreamEvents: reasoning, answer, tool calls, usage, errors and the end.
import type { ErrorKind, StreamEvent } from './events.ts';
import type { SseMessage } from './sse.ts';
import { ThinkSplitter, type ThinkMode } from './think-splitter.ts';
import { ToolCallTextExtractor } from './tool-call-text.ts';

export interface NormalizerOptions {
  /** `closing-only` when the template opens `<think>` itself (Thinking models behind a server without a parser) */
  thinkMode?: ThinkMode;
  /**
   * The request turned thinking off, or the model never thinks (Instruct): reasoning cannot be real here,
   * so a stream of reasoning alone was the answer, put in the wrong field by the server's reasoning parser.
   */
  noThinking?: boolean;
  /** said once, as a warning, at the first tool call found as raw `<tool_call>` text in the content */
  textToolCallNote?: string;
}

interface Delta {
  content?: unknown;
  reasoning?: unknown;
  reasoning_content?: unknown;
  tool_calls?: unknown;
}

interface Chunk {
  choices?: Array<{ delta?: Delta | null; finish_reason?: unknown }> | null;
  usage?: {
    prompt_tokens?: unknown;
    completion_tokens?: unknown;
    reasoning_tokens?: unknown;
    completion_tokens_details?: { reasoning_tokens?: unknown } | null;
    /** web-llm's own measurement */
    extra?: Record<string, unknown> | null;
  } | null;
  timings?: Record<string, unknown> | null;
  error?: unknown;
  object?: unknown;
  message?: unknown;
}

/**
 * One normalizer per stream. `push` takes each SSE message with the time it was parsed;
 * `end` is called when the body ends (cleanly or not) and closes the run.
 */
export class StreamNormalizer {
  #think: ThinkSplitter;
  #toolText = new ToolCallTextExtractor();
  #seq = 0;
  #finish: string | null = null;
  #finished = false;
  #sawDone = false;
  #sawChoicesUsage = false;
  #textToolCalls = 0;
  #toolIndexes = new Set<number>();
  #sawReasoning = false;
  /** kept to find a tool call a model wrote in its reasoning when no answer follows */
  #reasoningText = '';
  #hasAnswer = false;
  #malformed = 0;
  #noThinking: boolean;
  #textToolCallNote: string | undefined;

  constructor(options: NormalizerOptions = {}) {
    this.#think = new ThinkSplitter(options.thinkMode ?? 'auto');
    this.#noThinking = options.noThinking ?? false;
    this.#textToolCallNote = options.textToolCallNote;
  }

  get ended(): boolean {
    return this.#finished;
  }

  push(msg: SseMessage, at: number): StreamEvent[] {
    if (this.#finished) return [];
    const out: StreamEvent[] = [];
    // old llama.cpp wrote `error: {…}` lines, which plain SSE clients drop silently
    if (msg.extra.error !== undefined) return this.#fail(out, 'server', errorMessage(parseJson(msg.extra.error) ?? msg.extra.error), msg.extra.error, at);
    if (msg.data.trim() === '[DONE]') {
      this.#sawDone = true;
      return this.end(at);
    }
    if (!msg.data.trim()) return out;
    const chunk = parseJson(msg.data) as Chunk | undefined;
    if (chunk === undefined || typeof chunk !== 'object' || chunk === null) {
      this.#malformed++;
      out.push({ type: 'warning', message: 'The server sent a chunk that is not valid JSON; it was skipped.', detail: msg.data.slice(0, 500), at });
      return out;
    }
    if (msg.event === 'error') return this.#fail(out, 'server', errorMessage(chunk.error ?? chunk), msg.data, at);
    return this.pushChunk(chunk, at, out);
  }

  /** One parsed chunk, for engines that get objects rather than bytes (web-llm's worker). */
  pushChunk(value: object, at: number, out: StreamEvent[] = []): StreamEvent[] {
    if (this.#finished) return out;
    const chunk = value as Chunk;
    if (chunk.error !== undefined || chunk.object === 'error') return this.#fail(out, 'server', errorMessage(chunk.error ?? chunk), JSON.stringify(chunk), at);

    const seq = ++this.#seq;
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    const delta = choice?.delta ?? undefined;
    if (delta) {
      // vLLM 0.11.1–0.15 sends the same text under both names: take one, never both
      const reasoning = nonEmpty(delta.reasoning) ?? nonEmpty(delta.reasoning_content);
      if (reasoning) {
        // the server parses reasoning: a `</think>` in the answer after it is text
        this.#think.settle();
        this.#reasoning(out, reasoning, at, seq);
      }
      const content = nonEmpty(delta.content);
      if (content) this.#content(out, content, at, seq);
      if (Array.isArray(delta.tool_calls)) this.#toolCalls(out, delta.tool_calls, at, seq);
    }
    if (typeof choice?.finish_reason === 'string' && choice.finish_reason) this.#finish = choice.finish_reason;
    this.#usage(out, chunk, Array.isArray(chunk.choices) && chunk.choices.length > 0, at, seq);
    if (chunk.timings && typeof chunk.timings === 'object') {
      const stats = numbers(chunk.timings);
      if (Object.keys(stats).length) out.push({ type: 'engine-stats', source: 'llamacpp', stats, at, seq });
    }
    return out;
  }

  /** The body ended: flush held text and say how the run ended. */
  end(at: number): StreamEvent[] {
    if (this.#finished) return [];
    const out: StreamEvent[] = [];
    this.#flush(out, at);
    // a clean end after a finish_reason (no [DONE]) is still a finished answer
    if (!this.#sawDone && this.#finish === null) {
      out.push({
        type: 'error',
        kind: 'dropped',
        message: 'The stream ended early: the server closed the connection before it finished. The text so far is kept.',
        at,
      });
      return out;
    }
    if (!this.#hasAnswer && this.#toolIndexes.size === 0 && this.#sawReasoning) {
      // a tool call the model wrote in its reasoning (a server with no tool parser) is a call all the same
      const inReasoning = new ToolCallTextExtractor();
      const seq = ++this.#seq;
      let calls = 0;
      for (const p of [...inReasoning.push(this.#reasoningText), ...inReasoning.end()]) {
        if (p.kind !== 'tool-call') continue;
        calls += 1;
        this.#textToolCall(out, p, at, seq);
      }
      // A thinking-off answer that a reasoning parser put in the reasoning field (vLLM's deepseek_r1 and qwen3
      // parsers with enable_thinking false) is the answer, from its first token. Where the model may think,
      // reasoning alone is a model that stopped before answering, and stays reasoning.
      if (!calls && this.#noThinking) {
        out.push({ type: 'warning', message: 'The server sent the answer as reasoning (with thinking off, its reasoning parser finds no </think>); it is shown as the answer.', at });
        out.push({ type: 'reclassify', to: 'answer', at, seq });
      }
    }
    if (this.#malformed) out.push({ type: 'warning', message: `${this.#malformed} malformed chunk${this.#malformed > 1 ? 's were' : ' was'} skipped; the answer may miss a few words.`, at });
    out.push({ type: 'done', finishReason: this.#finish, at });
    return out;
  }

  /**
   * Ends the run from outside (stop pressed, stall, network failure): held text is released first,
   * then the given terminal event.
   */
  close(terminal: Extract<StreamEvent, { type: 'stopped' | 'error' }>): StreamEvent[] {
    if (this.#finished) return [];
    const out: StreamEvent[] = [];
    this.#flush(out, terminal.at);
    out.push(terminal);
    return out;
  }

  #fail(out: StreamEvent[], kind: ErrorKind, message: string, detail: string, at: number): StreamEvent[] {
    this.#flush(out, at);
    out.push({ type: 'error', kind, message: `The server failed while answering: ${message}`, detail, at });
    return out;
  }

  /** Releases text held back for a possible tag: nothing received is lost, however the stream ends. */
  #flush(out: StreamEvent[], at: number): void {
    const seq = ++this.#seq;
    for (const p of this.#think.end()) {
      if (p.kind === 'reasoning') this.#reasoning(out, p.text, at, seq);
      else if (p.kind === 'content') this.#content(out, p.text, at, seq, true);
    }
    for (const p of this.#toolText.end()) if (p.kind === 'content') this.#answer(out, p.text, at, seq);
    this.#finished = true;
  }

  #reasoning(out: StreamEvent[], text: string, at: number, seq: number): void {
    this.#sawReasoning = true;
    this.#reasoningText += text;
    out.push({ type: 'reasoning', text, at, seq });
  }

  /** Content may still hold inline `<think>`, a lone `</think>`, or a tool call the server did not parse. */
  #content(out: StreamEvent[], text: string, at: number, seq: number, flushing = false): void {
    const pieces = flushing ? [{ kind: 'content' as const, text }] : this.#think.push(text);
    for (const p of pieces) {
      if (p.kind === 'reasoning') this.#reasoning(out, p.text, at, seq);
      else if (p.kind === 'was-reasoning') {
        // text held back for a possible tool call came before the tag: it goes with the rest
        for (const t of this.#toolText.end()) if (t.kind === 'content') this.#answer(out, t.text, at, seq);
        this.#hasAnswer = false;
        this.#sawReasoning = true;
        out.push({ type: 'reclassify', to: 'reasoning', at, seq });
      } else
        for (const t of this.#toolText.push(p.text)) {
          if (t.kind === 'content') this.#answer(out, t.text, at, seq);
          else {
            // a tool call is an answer: a `</think>` after it is text
            this.#think.settle();
            this.#textToolCall(out, t, at, seq);
          }
        }
    }
  }

  #textToolCall(out: StreamEvent[], call: { name: string; arguments: string }, at: number, seq: number): void {
    if (this.#textToolCallNote) out.push({ type: 'warning', message: this.#textToolCallNote, at });
    this.#textToolCallNote = undefined;
    const index = 1000 + this.#textToolCalls++;
    this.#toolIndexes.add(index);
    out.push({ type: 'tool-call', index, id: `text-call-${index - 1000}`, name: call.name, argsDelta: call.arguments, at, seq });
  }

  #answer(out: StreamEvent[], text: string, at: number, seq: number): void {
    if (!text) return;
    this.#hasAnswer = true;
    out.push({ type: 'content', text, at, seq });
  }

  #toolCalls(out: StreamEvent[], calls: unknown[], at: number, seq: number): void {
    this.#think.settle();
    calls.forEach((raw, position) => {
      const call = (raw ?? {}) as { index?: unknown; id?: unknown; function?: { name?: unknown; arguments?: unknown } | null };
      const index = typeof call.index === 'number' ? call.index : position;
      this.#toolIndexes.add(index);
      out.push({
        type: 'tool-call',
        index,
        id: nonEmpty(call.id),
        name: nonEmpty(call.function?.name),
        argsDelta: typeof call.function?.arguments === 'string' ? call.function.arguments : '',
        at,
        seq,
      });
    });
  }

  #usage(out: StreamEvent[], chunk: Chunk, hasChoices: boolean, at: number, seq: number): void {
    const u = chunk.usage;
    if (!u || typeof u !== 'object' || typeof u.completion_tokens !== 'number') return;
    if (hasChoices) this.#sawChoicesUsage = true;
    const reasoning = u.completion_tokens_details?.reasoning_tokens ?? u.reasoning_tokens;
    out.push({
      type: 'usage',
      promptTokens: typeof u.prompt_tokens === 'number' ? u.prompt_tokens : 0,
      completionTokens: u.completion_tokens,
      ...(typeof reasoning === 'number' && reasoning > 0 ? { reasoningTokens: reasoning } : {}),
      cumulative: this.#sawChoicesUsage,
      at,
      seq,
    });
    if (u.extra && typeof u.extra === 'object') {
      const stats = numbers(u.extra);
      if (Object.keys(stats).length) out.push({ type: 'engine-stats', source: 'webllm', stats, at, seq });
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function numbers(obj: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(obj)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/** The human part of the many error shapes servers use. */
export function errorMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const e = error as { message?: unknown; detail?: unknown; error?: unknown; title?: unknown };
    if (typeof e.message === 'string' && e.message) return e.message;
    if (typeof e.detail === 'string' && e.detail) return e.detail;
    if (e.error !== undefined) return errorMessage(e.error);
    if (typeof e.title === 'string') return e.title;
  }
  return JSON.stringify(error);
}
