// A run whose answer turns out to be reasoning, or whose reasoning never became an answer: what each frame shows, live and replayed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../stream/events.ts';
import { StreamNormalizer, type NormalizerOptions } from '../stream/normalize.ts';
import { SseDecoder } from '../stream/sse.ts';
import { Run } from './run.svelte.ts';

const identity = (html: string) => html;

/** A fixture's server messages as frames of events, message i at 1100 + 100 i (the run starts at 1000). */
function frames(name: string, options?: NormalizerOptions): StreamEvent[][] {
  const bytes = new Uint8Array(readFileSync(new URL(`../stream/fixtures/${name}.sse`, import.meta.url)));
  const decoder = new SseDecoder();
  const normalizer = new StreamNormalizer(options);
  const messages = [...decoder.push(bytes), ...decoder.end()];
  const out = messages.map((msg, i) => normalizer.push(msg, 1100 + 100 * i));
  out.push(normalizer.end(1100 + 100 * messages.length));
  return out;
}

interface Shown {
  status: string;
  answer: string;
  reasoning: string;
  noAnswer: string | null;
}

/** Streams the frames into a run, drawing after each; returns what each frame showed, and the run. */
function live(all: StreamEvent[][]): { shown: Shown[]; run: Run } {
  const run = new Run(identity, 1000);
  const shown: Shown[] = [];
  for (const frame of all) {
    for (const e of frame) run.apply(e);
    run.flush(frame.at(-1)?.at ?? 0);
    shown.push({ status: run.shownStatus, answer: run.answer.blocks.join('') + run.answer.tail, reasoning: run.reasoningFrom(0), noAnswer: run.noAnswer });
  }
  return { shown, run };
}

/** The run as history brings it back: its saved events replayed through the same path. */
function replayed(run: Run): Run {
  const copy = Run.replay(identity, run.eventsFrom(0).map((e) => ({ ...e, at: e.at - run.origin })));
  copy.flush(0);
  return copy;
}

const numbers = (run: Run) => {
  const m = run.metricsNow;
  return { ttft: m.ttftMs, ttfa: m.ttfaMs, thinking: m.thinkingMs, answering: m.answeringMs, total: m.totalMs };
};

describe('a run with a </think> and no <think> before it', () => {
  it('shows the text as the answer until the tag, then as reasoning from the frame the tag arrives in, the tag never shown', () => {
    const { shown, run } = live(frames('raw-lone-close-alias'));
    // frames: 0 role, 1 "Okay, the user", 2 " wants…", 3 "\r\n</thi", 4 "nk>\r\n\r\n", 5 "**4**", 6 " (see </think> docs)", 7 usage, 8 [DONE], 9 end
    expect(shown[2]).toMatchObject({ status: 'answering', reasoning: '' });
    expect(run.answerText).not.toBe('');
    expect(shown[2]!.answer).toContain('wants 2+2.');
    expect(shown[4]).toMatchObject({ status: 'thinking', answer: '', reasoning: 'Okay, the user wants 2+2.\r\nThat is 4.' });
    expect(shown[5]).toMatchObject({ status: 'answering', reasoning: 'Okay, the user wants 2+2.\r\nThat is 4.' });
    expect(shown[5]!.answer).toContain('<strong>4</strong>');
    for (const frame of shown) expect(frame.answer + frame.reasoning).not.toMatch(/<\/thi(?!nk> docs)/);
    expect(run.answerText).toBe('**4** (see </think> docs)');
    expect(run.reasoningText).toBe('Okay, the user wants 2+2.\r\nThat is 4.');
    expect(shown.at(-1)).toMatchObject({ status: 'done', noAnswer: null });
    expect(numbers(run)).toEqual({ ttft: 200, ttfa: 600, thinking: 400, answering: 100, total: 900 });
  });

  it('replayed from history, shows the same split and the same numbers', () => {
    const { run } = live(frames('raw-lone-close-alias'));
    const again = replayed(run);
    expect(again.answerText).toBe(run.answerText);
    expect(again.reasoningText).toBe(run.reasoningText);
    expect(again.reasoningFrom(0)).toBe(run.reasoningText);
    expect(numbers(again)).toEqual(numbers(run));
    expect(again.status).toBe('done');
  });

  it('ends with the tag in the last frame: the answer view empties at once, not after a final render', () => {
    const events = frames('raw-lone-close-alias');
    const { shown } = live([events[0]!, events[1]!, [...events[4]!.slice(0, 1), { type: 'done', finishReason: 'stop', at: 1500 }]]);
    // the tag's frame here carries only the move: frame 1's text is reasoning and the answer is empty
    expect(shown.at(-1)).toMatchObject({ status: 'done', answer: '', reasoning: 'Okay, the user' });
  });
});

describe('a run whose reasoning never became an answer', () => {
  it('where the model may think: the reasoning stays, the answer stays empty, a note says why, and it ends done', () => {
    const { shown, run } = live(frames('vllm-reasoning-length'));
    expect(shown.at(-1)).toMatchObject({ status: 'done', answer: '', reasoning: 'Let me count the letters one by one' });
    expect(shown.at(-1)!.noAnswer).toMatch(/^The model stopped before answering: it reached the token limit while thinking: raise Max tokens/);
    // no note while it streams
    expect(shown.filter((f) => f.status !== 'done').every((f) => f.noAnswer === null)).toBe(true);
    expect(numbers(run)).toEqual({ ttft: 200, ttfa: null, thinking: null, answering: null, total: 600 });
    const again = replayed(run);
    expect(again.noAnswer).toBe(shown.at(-1)!.noAnswer);
    expect(numbers(again)).toEqual(numbers(run));
  });

  it('says the finish reason of a model that stopped while thinking', () => {
    const { shown } = live(frames('vllm-answer-in-reasoning'));
    expect(shown.at(-1)).toMatchObject({ status: 'done', answer: '', reasoning: 'Paris is the capital of France.' });
    expect(shown.at(-1)!.noAnswer).toMatch(/finish reason “stop”/);
  });

  it('thinking off: the reasoning leaves the reasoning view and is the answer, counted from its first token', () => {
    const { shown, run } = live(frames('vllm-answer-in-reasoning', { noThinking: true }));
    expect(shown[1]).toMatchObject({ status: 'thinking', reasoning: 'Paris is the capital' });
    expect(shown.at(-1)).toMatchObject({ status: 'done', answer: '<p>Paris is the capital of France.</p>\n', reasoning: '', noAnswer: null });
    expect(run.reasoningChars).toBe(0);
    expect(run.warnings).toEqual([expect.stringMatching(/sent the answer as reasoning/)]);
    expect(numbers(run)).toEqual({ ttft: 200, ttfa: 200, thinking: 0, answering: 100, total: 400 });
    const again = replayed(run);
    expect([again.answerText, again.reasoningText, again.reasoningChars]).toEqual([run.answerText, '', 0]);
    expect(numbers(again)).toEqual(numbers(run));
  });
});
