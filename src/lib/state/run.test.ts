// A run's streamed text as views take it: only what is new, never the whole text again.
import { describe, expect, it } from 'vitest';
import { Run } from './run.svelte.ts';

const identity = (html: string) => html;

describe('Run', () => {
  it('hands a view the reasoning from any point on, frame after frame', () => {
    const run = new Run(identity, 0);
    const frames = [['Let me ', 'think'], [' about it.'], [], ['\nFirst', ', the', ' numbers.']];
    let seq = 0;
    let whole = '';
    const shown: string[] = [];
    for (const [f, pieces] of frames.entries()) {
      for (const text of pieces!) {
        run.apply({ type: 'reasoning', text, at: f * 10 + seq, seq: ++seq });
        whole += text;
      }
      run.flush(f * 10 + 9);
      expect(run.reasoningChars).toBe(whole.length);
      // a view that has shown n characters asks for the rest: together, exactly the text
      shown.push(run.reasoningFrom(shown.join('').length));
      expect(shown.join('')).toBe(whole);
      for (let n = 0; n <= whole.length; n++) expect(run.reasoningFrom(n)).toBe(whole.slice(n));
    }
    expect(run.reasoningText).toBe(whole);
  });

  it('shows no reasoning before the frame that draws it', () => {
    const run = new Run(identity, 0);
    run.apply({ type: 'reasoning', text: 'hidden until drawn', at: 1, seq: 1 });
    expect(run.reasoningChars).toBe(0);
    expect(run.reasoningFrom(0)).toBe('');
    run.flush(2);
    expect(run.reasoningFrom(0)).toBe('hidden until drawn');
  });
});
