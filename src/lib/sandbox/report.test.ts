import { describe, expect, it } from 'vitest';
import { report } from './sandbox.ts';

describe('what the model reads back from the sandbox', () => {
  it('the console output, then the result or the error', () => {
    expect(report(['a', 'b'], { ok: true, value: '3' })).toEqual({ ok: true, text: 'Console output:\na\nb\n\nResult: 3' });
    expect(report([], { ok: false, thrown: true, error: 'TypeError: x is not a function' })).toEqual({ ok: false, text: 'Uncaught TypeError: x is not a function' });
    expect(report([], { ok: false, error: 'Stopped: the run was ended.' })).toEqual({ ok: false, text: 'Error: Stopped: the run was ended.' });
    expect(report(['started'], { ok: false, timedOut: true }, 5000).text).toBe('Console output:\nstarted\n\nError: the code ran longer than 5 s and was stopped.');
  });
});
