// ThinkSplitter: inline <think>…</think> split into reasoning and content, in both modes, with tags cut anywhere.
import { describe, expect, it } from 'vitest';
import { ThinkSplitter, type Piece, type ThinkMode } from './think-splitter.ts';

/** Feeds the chunks and ends; returns the raw pieces in order. */
function pieces(chunks: string[], mode: ThinkMode = 'auto'): Piece[] {
  const splitter = new ThinkSplitter(mode);
  const out: Piece[] = [];
  for (const chunk of chunks) out.push(...splitter.push(chunk));
  out.push(...splitter.end());
  return out;
}

/** Feeds the chunks and ends; returns the reasoning and content text, whatever the pieces. */
function run(chunks: string[], mode: ThinkMode = 'auto'): { reasoning: string; content: string; closed: boolean } {
  const splitter = new ThinkSplitter(mode);
  const out: Piece[] = [];
  for (const chunk of chunks) out.push(...splitter.push(chunk));
  out.push(...splitter.end());
  expect(out.filter((p) => p.kind === 'was-reasoning')).toEqual([]); // these cases have no lone </think>
  const text = (kind: 'reasoning' | 'content') => out.map((p) => (p.kind === kind ? p.text : '')).join('');
  return { reasoning: text('reasoning'), content: text('content'), closed: splitter.closed };
}

/** Every way of cutting `text` in two. */
function twoCuts(text: string): string[][] {
  return Array.from({ length: text.length + 1 }, (_, k) => [text.slice(0, k), text.slice(k)]);
}

/** Every way of cutting `text` in three. */
function threeCuts(text: string): string[][] {
  const out: string[][] = [];
  for (let i = 0; i <= text.length; i++) for (let j = i; j <= text.length; j++) out.push([text.slice(0, i), text.slice(i, j), text.slice(j)]);
  return out;
}

const chars = (text: string) => [...text];

describe('ThinkSplitter auto mode', () => {
  const TEXT = '<think>\nabc\n</think>\n\nHello';

  it('splits a whole <think> block from the answer', () => {
    expect(pieces([TEXT])).toStrictEqual([
      { kind: 'reasoning', text: 'abc' },
      { kind: 'content', text: 'Hello' },
    ]);
  });

  it('gives the same reasoning and content whatever the single split point', () => {
    for (const chunks of twoCuts(TEXT)) expect(run(chunks), JSON.stringify(chunks)).toStrictEqual({ reasoning: 'abc', content: 'Hello', closed: true });
  });

  it('gives the same reasoning and content whatever two split points', () => {
    for (const chunks of threeCuts(TEXT)) expect(run(chunks), JSON.stringify(chunks)).toStrictEqual({ reasoning: 'abc', content: 'Hello', closed: true });
  });

  it('gives the same reasoning and content fed one character at a time', () => {
    expect(run(chars(TEXT))).toStrictEqual({ reasoning: 'abc', content: 'Hello', closed: true });
  });

  it('drops the newline after <think> when it comes as its own chunk (the tokenizer sends them apart)', () => {
    expect(run(['<think>', '\n', 'abc', '\n', '</think>', '\n\n', 'Hello'])).toStrictEqual({ reasoning: 'abc', content: 'Hello', closed: true });
  });

  it('allows whitespace before <think>', () => {
    expect(run(['\n  <think>\nabc\n</think>\n\nHello'])).toStrictEqual({ reasoning: 'abc', content: 'Hello', closed: true });
    expect(run(['\n ', ' <thi', 'nk>\nabc</think>Hello'])).toStrictEqual({ reasoning: 'abc', content: 'Hello', closed: true });
  });

  it('keeps inner newlines of the reasoning and of the answer', () => {
    expect(run(['<think>\nstep 1\n\nstep 2\n</think>\n\nline 1\nline 2\n'])).toStrictEqual({
      reasoning: 'step 1\n\nstep 2',
      content: 'line 1\nline 2\n',
      closed: true,
    });
  });

  it('gives no reasoning text for an empty think block and keeps the answer whole', () => {
    const text = '<think>\n\n</think>\n\nHello';
    expect(pieces([text])).toStrictEqual([{ kind: 'content', text: 'Hello' }]);
    for (const chunks of twoCuts(text)) expect(run(chunks), JSON.stringify(chunks)).toStrictEqual({ reasoning: '', content: 'Hello', closed: true });
    expect(run(chars(text))).toStrictEqual({ reasoning: '', content: 'Hello', closed: true });
  });

  it('gives nothing at all for an empty think block with no answer yet', () => {
    expect(pieces(['<think>\n\n</think>\n\n'])).toStrictEqual([]);
  });

  const NOT_THINK = ['<div>x</div>', '<t', '<', '<think', '<thinking about it>', '<thin>k', 'plain answer'];
  for (const text of NOT_THINK) {
    it(`keeps ${JSON.stringify(text)} as content`, () => {
      expect(pieces([text])).toStrictEqual([{ kind: 'content', text }]);
      expect(run(chars(text))).toStrictEqual({ reasoning: '', content: text, closed: false });
    });
  }

  it('holds a possible <think> start back until it is known not to be one', () => {
    const splitter = new ThinkSplitter();
    expect(splitter.push('<th')).toStrictEqual([]);
    expect(splitter.push('e answer')).toStrictEqual([{ kind: 'content', text: '<the answer' }]);
    expect(splitter.end()).toStrictEqual([]);
  });

  it('keeps the whitespace before content that is not a think block', () => {
    expect(run(['\n\n', 'Hello'])).toStrictEqual({ reasoning: '', content: '\n\nHello', closed: false });
  });

  it('treats a <think> that comes after the answer started as content', () => {
    expect(run(['Hello <think>x</think> bye'])).toStrictEqual({ reasoning: '', content: 'Hello <think>x</think> bye', closed: false });
    expect(run(['Hello', '<think>x</think>'])).toStrictEqual({ reasoning: '', content: 'Hello<think>x</think>', closed: false });
  });

  it('treats a second <think> after the block closed as content', () => {
    expect(run(['<think>a</think>b<think>c</think>'])).toStrictEqual({ reasoning: 'a', content: 'b<think>c</think>', closed: true });
  });

  it('returns an unclosed think block as reasoning at the end, partial tag included', () => {
    const splitter = new ThinkSplitter();
    expect(splitter.push('<think>\nstill thinking\n</thi')).toStrictEqual([{ kind: 'reasoning', text: 'still thinking' }]);
    expect(splitter.end()).toStrictEqual([{ kind: 'reasoning', text: '\n</thi' }]);
    expect(splitter.closed).toBe(false);
  });
});

describe('ThinkSplitter closed flag', () => {
  it('turns true only when </think> arrives', () => {
    const splitter = new ThinkSplitter();
    expect(splitter.closed).toBe(false);
    splitter.push('<think>\nabc');
    expect(splitter.closed).toBe(false);
    splitter.push('</thi');
    expect(splitter.closed).toBe(false);
    splitter.push('nk>');
    expect(splitter.closed).toBe(true);
  });

  it('stays false for an answer with no think block', () => {
    const splitter = new ThinkSplitter();
    splitter.push('Hello');
    splitter.end();
    expect(splitter.closed).toBe(false);
  });
});

describe('ThinkSplitter closing-only mode', () => {
  const TEXT = 'abc\n</think>\n\nHello';

  it('takes the text before </think> as reasoning', () => {
    expect(pieces([TEXT], 'closing-only')).toStrictEqual([
      { kind: 'reasoning', text: 'abc' },
      { kind: 'content', text: 'Hello' },
    ]);
  });

  it('gives the same reasoning and content whatever the single split point', () => {
    for (const chunks of twoCuts(TEXT)) expect(run(chunks, 'closing-only'), JSON.stringify(chunks)).toStrictEqual({ reasoning: 'abc', content: 'Hello', closed: true });
    expect(run(chars(TEXT), 'closing-only')).toStrictEqual({ reasoning: 'abc', content: 'Hello', closed: true });
  });

  it('still reads an explicit <think> opening', () => {
    expect(run(['<think>\nabc\n</think>\n\nHello'], 'closing-only')).toStrictEqual({ reasoning: 'abc', content: 'Hello', closed: true });
  });

  it('reads a </think> right at the start as an empty reasoning block', () => {
    expect(pieces(['</think>\n\nHello'], 'closing-only')).toStrictEqual([{ kind: 'content', text: 'Hello' }]);
    expect(run(chars('</think>\n\nHello'), 'closing-only')).toStrictEqual({ reasoning: '', content: 'Hello', closed: true });
  });

  it('returns everything as reasoning when </think> never comes, held text at end()', () => {
    const splitter = new ThinkSplitter('closing-only');
    expect(splitter.push('I think')).toStrictEqual([{ kind: 'reasoning', text: 'I think' }]);
    expect(splitter.push(' so\n</thi')).toStrictEqual([{ kind: 'reasoning', text: ' so' }]);
    expect(splitter.end()).toStrictEqual([{ kind: 'reasoning', text: '\n</thi' }]);
    expect(splitter.closed).toBe(false);
  });

  it('returns text held at the very start as reasoning at end()', () => {
    const splitter = new ThinkSplitter('closing-only');
    expect(splitter.push('<th')).toStrictEqual([]);
    expect(splitter.end()).toStrictEqual([{ kind: 'reasoning', text: '<th' }]);
  });

  it('returns nothing at end() when nothing is held', () => {
    const splitter = new ThinkSplitter('closing-only');
    expect(splitter.push('abc')).toStrictEqual([{ kind: 'reasoning', text: 'abc' }]);
    expect(splitter.end()).toStrictEqual([]);
  });
});

describe('ThinkSplitter auto mode: a </think> with no <think> before it', () => {
  /** the reasoning and answer as a view shows them once every piece is applied: `was-reasoning` moves the answer so far */
  function shown(chunks: string[]): { reasoning: string; content: string; moves: number } {
    const splitter = new ThinkSplitter();
    let reasoning = '';
    let content = '';
    let moves = 0;
    for (const p of [...chunks.flatMap((c) => splitter.push(c)), ...splitter.end()]) {
      if (p.kind === 'was-reasoning') [reasoning, content, moves] = [reasoning + content, '', moves + 1];
      else if (p.kind === 'reasoning') reasoning += p.text;
      else content += p.text;
    }
    return { reasoning, content, moves };
  }
  const TEXT = 'Two plus two.\nIt is four.\n</think>\n\n**4**';
  const WANT = { reasoning: 'Two plus two.\nIt is four.', content: '**4**', moves: 1 };

  it('shows the text as the answer until the tag, then moves it to the reasoning, the tag gone', () => {
    const splitter = new ThinkSplitter();
    expect(splitter.push('Two plus two.')).toStrictEqual([{ kind: 'content', text: 'Two plus two.' }]);
    expect(splitter.push('\nIt is four.\n</thi')).toStrictEqual([{ kind: 'content', text: '\nIt is four.' }]);
    expect(splitter.push('nk>\n\n**4**')).toStrictEqual([{ kind: 'was-reasoning' }, { kind: 'content', text: '**4**' }]);
    expect(splitter.end()).toStrictEqual([]);
    expect(splitter.closed).toBe(true);
  });

  it('splits the same wherever the chunks are cut, one or two cuts, or a character at a time', () => {
    for (const chunks of twoCuts(TEXT)) expect(shown(chunks), JSON.stringify(chunks)).toStrictEqual(WANT);
    for (const chunks of threeCuts(TEXT)) expect(shown(chunks), JSON.stringify(chunks)).toStrictEqual(WANT);
    expect(shown(chars(TEXT))).toStrictEqual(WANT);
  });

  it('reads CRLF line ends as it reads LF', () => {
    const crlf = TEXT.replace(/\n/g, '\r\n');
    const want = { ...WANT, reasoning: WANT.reasoning.replace(/\n/g, '\r\n') };
    for (const chunks of twoCuts(crlf)) expect(shown(chunks), JSON.stringify(chunks)).toStrictEqual(want);
    expect(shown(chars(crlf))).toStrictEqual(want);
  });

  it('keeps a later </think> in the answer as text, once an answer began after the reasoning', () => {
    expect(shown(['abc</think>\n\nClose with </think>.'])).toStrictEqual({ reasoning: 'abc', content: 'Close with </think>.', moves: 1 });
    expect(shown(['<think>\nabc\n</think>\n\nClose with ', '</thi', 'nk>.'])).toStrictEqual({ reasoning: 'abc', content: 'Close with </think>.', moves: 0 });
  });

  it('keeps a </think> that closes a <think> inside the answer as text, however the tags are cut', () => {
    const text = 'Hello <think>x</think> bye';
    for (const chunks of twoCuts(text)) expect(shown(chunks), JSON.stringify(chunks)).toStrictEqual({ reasoning: '', content: text, moves: 0 });
  });

  it('once settled (reasoning came in its own field, or a tool call), reads a </think> as text', () => {
    const splitter = new ThinkSplitter();
    splitter.settle();
    expect([...splitter.push('Use </think>'), ...splitter.end()]).toStrictEqual([{ kind: 'content', text: 'Use </think>' }]);
    const midway = new ThinkSplitter();
    const pieces = midway.push('Use ');
    midway.settle();
    pieces.push(...midway.push('</think> here'), ...midway.end());
    expect(pieces.map((p) => p.kind)).toStrictEqual(['content', 'content']);
    expect(pieces.map((p) => ('text' in p ? p.text : '')).join('')).toBe('Use </think> here');
  });

  it('gives back text held for a possible tag when the stream ends without one', () => {
    expect(shown(['An answer that ends in </thi'])).toStrictEqual({ reasoning: '', content: 'An answer that ends in </thi', moves: 0 });
    expect(shown(['Two lines\n\n'])).toStrictEqual({ reasoning: '', content: 'Two lines\n\n', moves: 0 });
  });

  it('after a 50k-character trace, splits the same, with work per chunk that does not grow with the trace', () => {
    /** characters examined per character pushed, and the most examined in one push, for a trace of n characters */
    const work = (n: number) => {
      const words = ['The ', 'user ', 'asks ', 'for ', 'a ', 'proof.\n', 'Let ', 'me ', 'check ', '2+2=4. '];
      const chunks: string[] = [];
      for (let i = 0, length = 0; length < n; i++) length += chunks[chunks.push(words[i % words.length]!) - 1]!.length;
      const trace = chunks.join('');
      chunks.push('\n</thi', 'nk>\n\n', 'Four.');
      const splitter = new ThinkSplitter();
      let reasoning = '';
      let content = '';
      let most = 0;
      for (const chunk of chunks) {
        const before = splitter.scanned;
        for (const p of splitter.push(chunk)) {
          if (p.kind === 'was-reasoning') [reasoning, content] = [reasoning + content, ''];
          else if (p.kind === 'reasoning') reasoning += p.text;
          else content += p.text;
        }
        most = Math.max(most, splitter.scanned - before - chunk.length);
      }
      expect(reasoning).toBe(trace.trimEnd());
      expect(content).toBe('Four.');
      return { perChar: splitter.scanned / chunks.join('').length, most };
    };
    const short = work(1_000);
    const long = work(50_000);
    // each push looks at its own text and the few characters held back for a tag, never at the trace before
    expect(long.most).toBeLessThanOrEqual(8);
    expect(long.most).toBe(short.most);
    expect(long.perChar).toBeLessThan(1.5);
    expect(long.perChar).toBeCloseTo(short.perChar, 1);
  });
});
