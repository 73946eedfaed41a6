// One model's answer to one turn: folds StreamEvents into text, tool calls, status and metrics for the screen.
import type { Sanitize } from '../markdown/sanitize.ts';
import { IncrementalMarkdown, type MarkdownView } from '../markdown/incremental.ts';
import { renderMarkdown } from '../markdown/render.ts';
import { RunMetrics, type MetricsSnapshot } from '../metrics/metrics.ts';
import type { ErrorKind, LoadProgress, StreamEvent } from '../stream/events.ts';
import { whyNoAnswer } from '../stream/finish-reason.ts';
import { ToolCallAccumulator, type ToolCallState } from '../stream/tool-calls.ts';
import { LIVE_MS, markDirty, setLive, whenIdle } from './frame-loop.ts';
import { foldToolEvent, type ModelCall, type ToolStep } from './steps.ts';
import { agentTotals, type AgentTotals } from '../metrics/agent-totals.ts';

/** `interrupted`: the page closed or reloaded while it streamed; what arrived was saved. `tools`: an agent's tools run */
export type RunStatus = 'idle' | 'waiting' | 'thinking' | 'answering' | 'tools' | 'done' | 'stopped' | 'error' | 'interrupted';

/** How often the trace's live rate is sampled (ms), live and on replay alike. */
const SAMPLE_MS = LIVE_MS;
/** How often an answer filling in slice by slice (its final render) shows its progress (ms). */
const FILL_SHOW_MS = 250;

/**
 * Times are kept in steps of 1/1024 ms (finer than performance.now() gives): a difference of two such
 * numbers is exact in floating point, so a run replayed from saved times (counted from its creation)
 * shows to the last digit the numbers it showed live, whichever moment started its clock.
 */
const onGrid = (t: number): number => Math.round(t * 1024) / 1024;

export interface PreludePart {
  phase: 'queued' | 'loading';
  ms: number;
}

/** A load report as a part of the prelude: queued, or loading in any of its steps. */
export function preludePhase(progress: LoadProgress): PreludePart['phase'] {
  return progress.phase === 'queued' ? 'queued' : 'loading';
}

export interface RunError {
  kind: ErrorKind;
  message: string;
  detail?: string;
  status?: number;
  retryAfterS?: number;
}

export class Run {
  /** where the stream is, as of its last event */
  status = $state<RunStatus>('idle');
  /**
   * The status as the last frame drew it, with the answer and the numbers it goes with: what the page
   * shows. A script that sees `done` on screen reads the whole answer beside it, not one a frame behind.
   */
  shownStatus = $state<RunStatus>('idle');
  /** length of the reasoning on screen; the text itself comes from `reasoningFrom` (the new part) or `reasoningText` */
  reasoningChars = $state(0);
  answer = $state.raw<MarkdownView>({ blocks: [], tail: '' });
  toolCalls = $state.raw<ToolCallState[]>([]);
  error = $state.raw<RunError | null>(null);
  warnings = $state.raw<string[]>([]);
  metrics = $state.raw<MetricsSnapshot | null>(null);
  /** an in-browser model on its way: queued, downloading, compiling (null once it is ready) */
  progress = $state.raw<LoadProgress | null>(null);
  /**
   * Before an in-browser answer's clock starts: the time queued behind another in-browser answer and the
   * time loading the model (from the cache or the network, then compiling), in the order they came.
   * Grows while it lasts; empty for a server, or a model already in memory and free.
   */
  prelude = $state.raw<PreludePart[]>([]);
  /** ms loading, once the prelude is over; null when nothing had to load */
  readonly loadMs = $derived(this.#preludeTotal('loading'));
  /** ms queued behind another in-browser answer, once the prelude is over; null when it never waited */
  readonly queuedMs = $derived(this.#preludeTotal('queued'));
  /** why the server stopped generating (`stop`, `length`, `tool_calls`…), once it said */
  finishReason = $state<string | null>(null);
  /** the final render is on screen: the answer equals a one-shot render of the whole text */
  final = $state(false);
  /** an answer never on screen while it streamed (replayed from history) is filling in with its final render */
  fillingIn = $state(false);
  /** length of the answer on screen, for controls that need to know whether there is one */
  answerChars = $state(0);

  /** an agent turn: its model calls that ended in tool calls, in order (the live answer is the next one) */
  calls = $state.raw<ModelCall[]>([]);
  /** an agent turn: every tool execution, in the order asked */
  toolSteps = $state.raw<ToolStep[]>([]);
  /** the step limit that ended the agent's turn while the model still wanted tools */
  stepLimit = $state<number | null>(null);
  /** an agent turn's totals (with its wall time, ms), as of the last frame; null for a single answer */
  totals = $state.raw<(AgentTotals & { wallMs: number }) | null>(null);

  /** the metrics at most 5 times a second (and at the end): enough for the trace panel, a fraction of its cost */
  sampled = $state.raw<MetricsSnapshot | null>(null);
  /** live tokens/s sampled at most 5 times a second, for the trace chart: [ms since start, tokens/s] */
  rateSamples = $state.raw<Array<[number, number]>>([]);

  /** performance.now() when the answer's clock started (an in-browser model restarts it once loaded) */
  startedAt: number;
  /** performance.now() at creation: saved event times count from it, whatever restarts the clock */
  readonly origin: number;
  /** wall-clock start, for history */
  readonly createdAt = Date.now();
  /**
   * The record of what happened: every event, in order, with its time, from `#eventsLetGo` on. Those
   * before it are written down and let go (a long answer is tens of thousands of events, which memory
   * would hold, and the garbage collector walk, for as long as the page shows the run).
   */
  #events: StreamEvent[] = [];
  #eventsLetGo = 0;
  #reasoningText = '';
  /** the reasoning as the frames received it, so a view can take only what is new */
  #reasoningPieces: string[] = [];
  #reasoningPending = '';
  #tools = new ToolCallAccumulator();
  #metrics: RunMetrics;
  #markdown: IncrementalMarkdown;
  readonly #sanitize: Sanitize;
  /** the reasoning became the answer: the views drop what they showed of it at the next frame */
  #reasoningCleared = false;
  /** the answer so far became reasoning: the view starts over at the next frame, whatever its length */
  #answerCleared = false;
  #ended = false;
  #renderedLength = -1;
  /** the time of the last event: where an ended agent turn's wall time ends */
  #lastAt = 0;

  constructor(sanitize: Sanitize, startedAt = performance.now()) {
    this.#sanitize = sanitize;
    startedAt = onGrid(startedAt);
    this.startedAt = startedAt;
    this.origin = startedAt;
    this.#metrics = new RunMetrics(startedAt);
    this.#markdown = new IncrementalMarkdown(sanitize);
    this.status = this.shownStatus = 'waiting';
    setLive(this, true);
  }

  /** how many events the run has had */
  get eventCount(): number {
    return this.#eventsLetGo + this.#events.length;
  }

  /** The events from the `n`th on, for a recorder to write down; those let go are no longer here. */
  eventsFrom(n: number): StreamEvent[] {
    if (n < this.#eventsLetGo) throw new Error(`events before ${this.#eventsLetGo} are let go; ${n} asked for`);
    return this.#events.slice(n - this.#eventsLetGo);
  }

  /** The events before the `n`th are written down: the run need not hold them any longer. */
  letGoBefore(n: number): void {
    const drop = Math.min(n, this.eventCount) - this.#eventsLetGo;
    if (drop <= 0) return;
    this.#events = this.#events.slice(drop);
    this.#eventsLetGo += drop;
  }

  get answerText(): string {
    return this.#markdown.text;
  }

  /** reactive: the run reached done, stopped, error or interrupted */
  get ended(): boolean {
    return this.status === 'done' || this.status === 'stopped' || this.status === 'error' || this.status === 'interrupted';
  }

  get reasoningText(): string {
    return this.#reasoningText;
  }

  /**
   * Reactive: the run ended `done` with reasoning and no answer at all, as the last frame drew it: why the
   * model stopped before answering (null while it streams, and for every other run).
   */
  get noAnswer(): string | null {
    if (this.shownStatus !== 'done' || this.answerChars > 0 || this.toolCalls.length > 0 || this.reasoningChars === 0) return null;
    return whyNoAnswer(this.finishReason);
  }

  /**
   * The reasoning on screen from character `start` on: O(new text). Slicing the whole growing text
   * instead would make V8 copy all of it into one flat string, every frame.
   */
  reasoningFrom(start: number): string {
    let i = this.#reasoningPieces.length;
    let at = this.reasoningChars;
    while (i > 0 && at > start) at -= this.#reasoningPieces[--i]!.length;
    const head = this.#reasoningPieces[i] ?? '';
    return (at < start ? head.slice(start - at) : head) + this.#reasoningPieces.slice(i + 1).join('');
  }

  /** the numbers as of the last event, even before the screen caught up */
  get metricsNow(): MetricsSnapshot {
    return this.#metrics.snapshot();
  }

  /** A tool's result as the screen shows it: untrusted text, rendered and sanitized as an answer is. */
  renderResult(text: string): string {
    return this.#sanitize(renderMarkdown(text));
  }

  get toolCallsNow(): ToolCallState[] {
    return this.#tools.calls.map((c) => ({ ...c }));
  }

  /**
   * Rebuilds a saved run from its events (times in ms since its start): text, tool calls, numbers
   * and the trace's rate line come out as they were live. A run saved mid-stream ends `interrupted`.
   */
  static replay(sanitize: Sanitize, events: readonly StreamEvent[]): Run {
    const steps = Run.replaying(sanitize, events, Infinity);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * `replay` in steps: it pauses (yields) each time it has worked `sliceMs`, so that a caller can let the
   * page draw between steps, and returns the run at the end.
   */
  static *replaying(sanitize: Sanitize, events: readonly StreamEvent[], sliceMs = 8): Generator<void, Run, void> {
    const run = new Run(sanitize, 0);
    // not streaming: the live refresh would draw it half replayed between steps, as if it were
    setLive(run, false);
    let nextSample = SAMPLE_MS;
    let until = performance.now() + sliceMs;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      // sample the rate on the same grid as live, from the events before each point, on the answer's clock
      // as live (it starts over once an in-browser model has loaded)
      for (; nextSample < e.at && !run.#ended; nextSample += SAMPLE_MS) run.#recordRate(nextSample - run.startedAt, run.#metrics.rate(nextSample));
      if (run.#ended) break;
      e.at = onGrid(e.at);
      run.#fold(e);
      if (i % 256 === 255 && performance.now() > until) {
        yield;
        until = performance.now() + sliceMs;
      }
    }
    if (!run.#ended) {
      // the numbers end where the record ends
      run.#metrics.push({ type: 'stopped', at: events.at(-1)?.at ?? 0 });
      run.#end('interrupted');
    }
    // shown whole at once, as it ended, not as it began
    run.shownStatus = run.status;
    // its events are on record already: counted, not kept
    run.#eventsLetGo = events.length;
    markDirty(run);
    return run;
  }

  /** O(chunk) per event: append to buffers, leave rendering to the next frame. */
  apply(e: StreamEvent): void {
    if (this.#ended) return;
    e.at = onGrid(e.at);
    this.#events.push(e);
    this.#fold(e);
    markDirty(this, e.at);
  }

  #fold(e: StreamEvent): void {
    this.#lastAt = e.at;
    if (e.type === 'progress') return this.#progress(e.progress, e.at);
    switch (e.type) {
      case 'call-end':
        return this.#endCall(e.finishReason, e.at);
      case 'call-start':
        this.startedAt = e.at;
        this.#metrics = new RunMetrics(e.at);
        this.status = 'waiting';
        return;
      case 'tool-ask':
      case 'tool-start':
      case 'tool-result':
        this.toolSteps = foldToolEvent(this.toolSteps, e, this.calls.length - 1, this.origin);
        return;
      case 'step-limit':
        this.stepLimit = e.limit;
        return;
    }
    // a load that fails or is stopped took its time loading, not waiting for an answer
    if (this.progress && (e.type === 'error' || e.type === 'stopped')) this.#loaded(e.at);
    this.#metrics.push(e);
    switch (e.type) {
      case 'reasoning':
        this.#reasoningText += e.text;
        this.#reasoningPending += e.text;
        if (this.status === 'waiting') this.status = 'thinking';
        break;
      case 'content':
        this.#markdown.append(e.text);
        this.#startAnswer();
        break;
      case 'tool-call':
        this.#tools.push(e);
        this.#startAnswer();
        break;
      case 'reclassify':
        if (e.to === 'reasoning') this.#answerWasReasoning();
        else this.#reasoningWasAnswer();
        break;
      case 'warning':
        this.warnings = [...this.warnings, e.message];
        break;
      case 'done':
        this.finishReason = e.finishReason;
        this.#end('done');
        break;
      case 'stopped':
        this.#end('stopped');
        break;
      case 'error':
        this.error = { kind: e.kind, message: e.message, detail: e.detail, status: e.status, retryAfterS: e.retryAfterS };
        this.#end('error');
        break;
    }
  }

  /**
   * A model call ended in tool calls: its answer, reasoning and numbers are set aside as a finished call,
   * and the live ones start empty for the next call.
   */
  #endCall(finishReason: string | null, at: number): void {
    this.#metrics.push({ type: 'done', finishReason, at });
    this.#flushReasoning();
    this.calls = [
      ...this.calls,
      {
        answer: this.#markdown.finish(),
        answerText: this.#markdown.text,
        reasoning: this.#reasoningText,
        toolCalls: this.#tools.finish().map((c) => ({ ...c })),
        metrics: this.#metrics.snapshot(at),
        from: this.startedAt - this.origin,
        to: at - this.origin,
      },
    ];
    this.#markdown = new IncrementalMarkdown(this.#sanitize);
    this.answer = { blocks: [], tail: '' };
    this.answerChars = 0;
    // an answer never on screen (a replay) stays so: its last call fills in at the end as before
    if (this.#renderedLength >= 0) this.#renderedLength = 0;
    this.#reasoningText = '';
    this.#reasoningPieces = [];
    this.reasoningChars = 0;
    this.#tools = new ToolCallAccumulator();
    this.toolCalls = [];
    this.status = 'tools';
  }

  /** Loading is not answering: once the model is ready, the answer's clock starts over. */
  #progress(progress: LoadProgress, at: number): void {
    if (progress.phase !== 'ready') {
      // the first report counts from the run's start; a change between queued and loading closes a part
      if (this.progress && preludePhase(this.progress) !== preludePhase(progress)) this.#closePart(at);
      this.progress = progress;
      return;
    }
    if (this.progress) this.#loaded(at);
    else {
      this.startedAt = at;
      this.#metrics = new RunMetrics(at);
    }
  }

  /** while the prelude lasts: when its current part began (the answer's clock has not started yet) */
  get partSince(): number {
    return this.startedAt + this.prelude.reduce((sum, part) => sum + part.ms, 0);
  }

  #closePart(at: number): void {
    const phase = preludePhase(this.progress!);
    const last = this.prelude.at(-1);
    const ms = at - this.partSince;
    this.prelude = last?.phase === phase ? [...this.prelude.slice(0, -1), { phase, ms: last.ms + ms }] : [...this.prelude, { phase, ms }];
  }

  #preludeTotal(phase: PreludePart['phase']): number | null {
    if (this.progress || !this.prelude.some((p) => p.phase === phase)) return null;
    return this.prelude.reduce((sum, p) => sum + (p.phase === phase ? p.ms : 0), 0);
  }

  #loaded(at: number): void {
    this.#closePart(at);
    this.progress = null;
    this.startedAt = at;
    this.#metrics = new RunMetrics(at);
  }

  /** A lone `</think>`: the answer so far moves to the reasoning, in this frame; the answer starts over. */
  #answerWasReasoning(): void {
    const text = this.#markdown.text;
    if (!text) return;
    this.#reasoningText += text;
    this.#reasoningPending += text;
    this.#markdown = new IncrementalMarkdown(this.#sanitize);
    this.#answerCleared = true;
    if (this.status === 'answering' && this.#tools.calls.length === 0) this.status = 'thinking';
  }

  /** Reasoning that could not be real (thinking was off) is the answer: it leaves the reasoning view. */
  #reasoningWasAnswer(): void {
    const text = this.#reasoningText;
    if (!text) return;
    this.#reasoningText = this.#reasoningPending = '';
    this.#reasoningPieces = [];
    this.#reasoningCleared = true;
    this.#markdown.append(text);
    this.#startAnswer();
  }

  #startAnswer(): void {
    if (this.status === 'waiting' || this.status === 'thinking') this.status = 'answering';
  }

  #end(status: RunStatus): void {
    this.status = status;
    this.progress = null;
    this.#ended = true;
    this.#tools.finish();
    // a tool cut off with its run (the page closed) never finished: it must not show as running forever
    if (this.toolSteps.some((t) => t.state === 'running' || t.state === 'asking'))
      this.toolSteps = this.toolSteps.map((t) => (t.state === 'running' || t.state === 'asking' ? { ...t, state: 'error', result: t.result ?? `Cut off: the answer ended (${status}) before this call finished.` } : t));
    setLive(this, false);
  }

  flush(now: number): void {
    this.shownStatus = this.status;
    if (this.#reasoningCleared) {
      this.#reasoningCleared = false;
      this.reasoningChars = 0;
    }
    this.#flushReasoning();
    this.answerChars = this.#markdown.length;
    if (this.#ended && this.#renderedLength !== Infinity) {
      // the last words show at once; an answer never shown (replayed from history) waits for its final render
      if (this.#renderedLength >= 0) this.answer = this.#markdown.view();
      else this.fillingIn = true;
      this.#renderedLength = Infinity;
      this.#finishWhenIdle();
    } else if (!this.#ended && (this.#answerCleared || this.#renderedLength !== this.#markdown.length)) {
      this.answer = this.#markdown.view();
      this.#renderedLength = this.#markdown.length;
    }
    this.#answerCleared = false;
    if (this.#tools.calls.length) this.toolCalls = this.#tools.calls.map((c) => ({ ...c }));
    this.metrics = this.#metrics.snapshot(now);
    if (this.calls.length) {
      const totals = agentTotals([...this.calls.map((c) => c.metrics), this.metrics], this.toolSteps);
      this.totals = { ...totals, wallMs: (this.ended ? this.#lastAt : Math.max(now, this.#lastAt)) - this.origin };
    }
    // the first numbers and the last show at once; those between on the grid (`sample`)
    if (this.ended || !this.sampled) this.sampled = this.metrics;
  }

  #flushReasoning(): void {
    if (!this.#reasoningPending) return;
    this.#reasoningPieces.push(this.#reasoningPending);
    this.#reasoningPending = '';
    this.reasoningChars = this.#reasoningText.length;
  }

  /**
   * The final render (equal to a one-shot render) in idle time, a slice at a time: usually one slice;
   * an answer never shown fills in over several, and shows its progress a few times a second (each new
   * view costs a layout), not at every slice.
   */
  #finishWhenIdle(): void {
    let shownAt = performance.now();
    const step = (timeLeft: () => number) => {
      const { view, done } = this.#markdown.finishSome(timeLeft);
      if (done || performance.now() - shownAt > FILL_SHOW_MS) {
        this.answer = view;
        shownAt = performance.now();
      }
      if (done) {
        this.final = true;
        this.fillingIn = false;
      } else whenIdle(step);
    };
    whenIdle(step);
  }

  /**
   * The trace's numbers, on the page's 200 ms grid (the frame loop takes every live run's sample in the
   * same frame), so the trace panel and its rate chart are redone 5 times a second, not 5 times a second
   * per run at as many different moments.
   */
  sample(now: number): void {
    if (this.ended) return;
    this.sampled = this.#metrics.snapshot(now);
    this.#recordRate(now - this.startedAt, this.sampled);
  }

  #recordRate(t: number, metrics: Pick<MetricsSnapshot, 'ttftMs' | 'liveTps'> | null): void {
    const last = this.rateSamples.at(-1);
    const rate = metrics?.liveTps;
    const firstToken = metrics?.ttftMs;
    // the first half second of a rate is noise (a few tokens over a tiny window), so the chart starts after it
    if (rate == null || firstToken == null || t - firstToken < 500 || (last && t <= last[0])) return;
    this.rateSamples = [...this.rateSamples, [t, rate]];
  }
}
