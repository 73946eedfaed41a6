// Safety and equivalence of the markdown pipeline: streamed pieces end equal to a one-shot render, nothing runs.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { answerOfLength } from '../../../e2e/sim/script.ts';
import { IncrementalMarkdown } from './incremental.ts';
import { renderMarkdown } from './render.ts';
import { createSanitizer } from './sanitize.ts';

const { window } = new JSDOM('');
const sanitize = createSanitizer(window as unknown as Parameters<typeof createSanitizer>[0]);
const oneShot = (text: string) => sanitize(renderMarkdown(text));
const RICH = answerOfLength(600).join('');

function streamed(text: string, step: number): { html: string; views: string[] } {
  const md = new IncrementalMarkdown(sanitize);
  const views: string[] = [];
  for (let i = 0; i < text.length; i += step) {
    md.append(text.slice(i, i + step));
    const v = md.view();
    views.push(v.blocks.join('') + v.tail);
  }
  expect(md.text).toBe(text);
  return { html: md.finish().blocks.join(''), views };
}

describe('incremental markdown', () => {
  it('one character at a time ends equal to the one-shot render', () => {
    const text = answerOfLength(0).join('');
    expect(streamed(text, 1).html).toBe(oneShot(text));
  }, 60_000);

  it('while streaming, settled blocks plus tail already equal a one-shot render of the same text at block ends', () => {
    const atBlockEnd = RICH.slice(0, RICH.lastIndexOf('\n\n') + 2);
    const { views } = streamed(atBlockEnd, 37);
    expect(views.at(-1)).toBe(oneShot(atBlockEnd));
  });

  it('a loose list cut at a block end is put right by the final render', () => {
    const text = 'Intro\n\n- one\n\n- two\n\n[ref]: https://qwen.ai\n\nSee [ref].\n';
    expect(streamed(text, 3).html).toBe(oneShot(text));
  });

  it('keeps the settled blocks when the final render agrees with them', () => {
    const md = new IncrementalMarkdown(sanitize);
    const text = '# One\n\npara\n\nlast';
    md.append(text);
    const before = md.view();
    const after = md.finish();
    expect(after.blocks.slice(0, before.blocks.length)).toEqual(before.blocks);
    expect(after.blocks[0]).toBe(before.blocks[0]);
    expect(after.blocks.join('')).toBe(oneShot(text));
  });

  it('the final render sanitizes only what it changes: blocks before and after a loose list stay as they are', () => {
    let calls = 0;
    const counting = (html: string) => (calls++, sanitize(html));
    const md = new IncrementalMarkdown(counting);
    const parts = ['# Title\n\n', 'Intro\n\n', '- one\n\n', '- two\n\n', 'Middle\n\n', '```js\nx\n```\n\n', 'Last words'];
    const text = parts.join('');
    for (const part of parts) {
      md.append(part);
      md.view();
    }
    // each part settled as a block of its own; the list as two, each a tight list of one item
    const before = md.view().blocks;
    expect(before.length).toBe(6);
    calls = 0;
    const after = md.finish().blocks;
    expect(after.join('')).toBe(oneShot(text));
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    expect(after[0]).toBe(before[0]);
    expect(after.slice(-3, -1)).toEqual(before.slice(-2)); // Middle and the code block
    // one for the list, whole and loose now, and one for the last words, which were the tail
    expect(calls).toBe(2);
  });

  it('an answer never shown (reopened from history) renders a piece at a time, each of about 2,000 characters', () => {
    const text = answerOfLength(20_000).join('');
    const md = new IncrementalMarkdown(sanitize);
    md.append(text);
    const sizes: number[] = [];
    let step: { view: { blocks: string[]; tail: string }; done: boolean };
    do {
      step = md.finishSome(() => 0);
      sizes.push(step.view.blocks.length);
      expect(step.view.tail).toBe('');
    } while (!step.done);
    expect(step.view.blocks.join('')).toBe(oneShot(text));
    // one block more each call, none too large to sanitize in a frame
    expect(sizes).toEqual(sizes.map((_, i) => i + 1));
    expect(sizes.length).toBeGreaterThan(text.length / 4000);
    expect(Math.max(...step.view.blocks.map((b) => b.length))).toBeLessThan(8000);
  });

  it('a final render in slices keeps the blocks and the tail not reached yet on screen', () => {
    const md = new IncrementalMarkdown(sanitize);
    const text = answerOfLength(3000).join('') + '\n\nand the last line';
    md.append(text);
    const shown = md.view();
    md.append('!');
    const first = md.finishSome(() => 0);
    expect(first.done).toBe(false);
    expect(first.view.blocks.slice(1)).toEqual(shown.blocks.slice(1));
    expect(first.view.tail).toBe(shown.tail);
    let last = first;
    while (!last.done) last = md.finishSome(() => 0);
    expect(last.view.blocks.join('')).toBe(oneShot(text + '!'));
  });

  it('the final render of an empty answer, or of one marked reads differently (CRLF), equals a one-shot render', () => {
    for (const text of ['', 'one\r\n\r\n- a\r\n- b\r\n']) {
      const md = new IncrementalMarkdown(sanitize);
      md.append(text);
      md.view();
      expect(md.finish().blocks.join('')).toBe(oneShot(text));
    }
  });

  it('settles code fences as a whole: a blank line inside a fence is not a block end', () => {
    const md = new IncrementalMarkdown(sanitize);
    const text = 'Intro\n\n```python\nx = 1\n\ny = 2\n```\n\nAfter\n';
    md.append(text);
    const view = md.view();
    expect(view.blocks.join('')).toContain('<pre><code class="language-python">x = 1\n\ny = 2\n</code></pre>');
  });

  describe('the live tail shows open marks as if closed, and the final render takes the text as it is', () => {
    const tailOf = (text: string) => {
      const md = new IncrementalMarkdown(sanitize);
      md.append(text);
      const { tail } = md.view();
      return { tail, final: md.finish().blocks.join('') };
    };
    /** what shows after each chunk: the settled blocks and the tail */
    const shown = (...chunks: string[]) => {
      const md = new IncrementalMarkdown(sanitize);
      return chunks.map((chunk) => {
        md.append(chunk);
        const { blocks, tail } = md.view();
        return blocks.join('') + tail;
      });
    };

    it.each([
      ['inline code', 'It mixes `Gated DeltaNet', '<code>Gated DeltaNet</code>', '`Gated DeltaNet'],
      ['bold', 'This is **important', '<strong>important</strong>', '**important'],
      ['italic', 'An *aside', '<em>aside</em>', '*aside'],
      ['strikethrough', 'It was ~~wrong', '<del>wrong</del>', '~~wrong'],
      ['bold in a list item', '1. first\n2. **second', '<strong>second</strong>', '**second'],
    ])('%s', (_, text, live, raw) => {
      const { tail, final } = tailOf(text);
      expect(tail).toContain(live);
      expect(tail).not.toContain(raw);
      expect(final).toBe(oneShot(text));
      expect(final).toContain(raw);
    });

    it('brackets stay as written; a link’s address being written does not show, only its text, and an image’s nothing', () => {
      for (const text of ['the value of array[1', 'See [the model card]', 'a [1] b (c'])
        expect(tailOf(text).tail).toBe(oneShot(text));
      expect(tailOf('See [the model card](https://huggingface.co/Qw').tail).toBe(oneShot('See the model card'));
      expect(tailOf('See [the `card`](').tail).toBe(oneShot('See the `card`'));
      expect(tailOf('see ![a chart](https://qwen.ai/ch').tail).toBe(oneShot('see'));
      // closed, it is a link; left open at the end, the final render takes the text as it is
      expect(tailOf('See [the card](https://qwen.ai) now').tail).toBe(oneShot('See [the card](https://qwen.ai) now'));
      expect(tailOf('See [the card](https://qw').final).toBe(oneShot('See [the card](https://qw'));
    });

    it('inside an open code fence nothing is closed: the code is shown as written', () => {
      const { tail } = tailOf('```python\nname = `x` + **kwargs + `y');
      expect(tail).toContain('name = `x` + **kwargs + `y');
    });

    it('an indented code block is shown as written: nothing is closed in it', () => {
      const { tail } = tailOf('Call it so:\n\n    f(*args, **kwargs');
      expect(tail).toBe(oneShot('    f(*args, **kwargs'));
      expect(tail).toContain('f(*args, **kwargs\n</code>');
    });

    it('a line that may yet become a code fence waits for its next character: no stray backtick flashes', () => {
      for (const partial of ['`', '``', '~', '~~', '  ``']) {
        const [before] = shown(`Intro\n${partial}`);
        expect(before).toBe(oneShot('Intro\n'));
      }
      // then the fence opens, and inside it a closing fence on its way is not a line of code either
      const [opening, open, closing, closed] = shown('Intro\n``', '`py\nx = 1\n', '``', '`\n\nAfter');
      expect(opening).toBe(oneShot('Intro\n'));
      expect(open).toContain('<pre><code class="language-py">x = 1\n</code></pre>');
      expect(closing).toBe(open);
      expect(closed).toBe(oneShot('Intro\n```py\nx = 1\n```\n\nAfter'));
      // backticks that cannot be a fence are not held as one: a code span's closing ones show as written,
      // and opening ones with nothing after them wait as any opening mark does (see below)
      expect(shown('Intro\n`` `x` ``')[0]).toBe(oneShot('Intro\n`` `x` ``'));
      expect(shown('Use ``', 'x``')).toEqual([oneShot('Use'), oneShot('Use ``x``')]);
    });

    it('a list marker on a line of its own waits for its item: the line above never flashes as a heading or gains a stray "-"', () => {
      // "Points:\n-" alone is a heading (a setext underline); "- a\n-" alone adds " -" to the item above
      for (const above of ['Points:', '- a', '1. a'])
        for (const marker of ['-', '*', '+', '- ', '  -', '1', '2.', '10)'])
          expect(shown(`${above}\n${marker}`)[0], JSON.stringify(`${above}\n${marker}`)).toBe(oneShot(`${above}\n`));
      // then the item comes, and shows at once
      expect(shown('Points:\n-', ' b')[1]).toBe(oneShot('Points:\n- b'));
      // inside code a marker is code
      expect(shown('```\nx = 1\n-')[0]).toContain('x = 1\n-');
      // a task's box on its way, a heading's underline or a rule on its way, bold about to open
      for (const [above, line] of [['- a', '- ['], ['- a', '- [x'], ['- a', '- [ ]'], ['Title', '--'], ['Title', '=='], ['Text', '**'], ['Text', '___']])
        expect(shown(`${above}\n${line}`)[0], JSON.stringify(`${above}\n${line}`)).toBe(oneShot(`${above}\n`));
    });

    it('a mark that opens emphasis or code with nothing after it yet waits: no stray "*" or backtick flashes', () => {
      expect(shown('about *', '3B')).toEqual([oneShot('about'), oneShot('about *3B*')]);
      expect(shown('a **', 'mixture')).toEqual([oneShot('a'), oneShot('a **mixture**')]);
      expect(shown('mixes `', 'Gated')).toEqual([oneShot('mixes'), oneShot('mixes `Gated`')]);
      expect(shown('(see _')[0]).toBe(oneShot('(see'));
      // a mark after a letter, or one that closes, shows as written
      expect(shown('x_')[0]).toBe(oneShot('x_'));
      expect(shown('3 * 4')[0]).toBe(oneShot('3 * 4'));
      // the final render takes the text as it is
      const md = new IncrementalMarkdown(sanitize);
      md.append('about *');
      expect(md.finish().blocks.join('')).toBe(oneShot('about *'));
    });

    it('a table’s head waits for its delimiter row: no paragraph of pipes turns into a table a moment later', () => {
      const views = shown('Intro\n\n', '| a | b |', '\n', '|--', '-|---|', '\n| 1 |');
      expect(views.slice(1, 5)).toEqual(Array(4).fill(oneShot('Intro\n\n')));
      expect(views[5]).toContain('<table>');
      // a line of pipes that is not a table shows once its next line says so
      expect(tailOf('| not a table\nbut text').tail).toBe(oneShot('| not a table\nbut text'));
    });

    it('streamed a token at a time, what shows only ever grows: no frame shows text that a later one takes back', () => {
      // the simulator's answer: headings, emphasis, code, a numbered list, a task list, a table, a fence, a quote
      const tokens = answerOfLength(0);
      const letters = (html: string) => {
        const div = window.document.createElement('div');
        div.innerHTML = html;
        return (div.textContent ?? '').replace(/[\s\u200b]+/g, '');
      };
      const md = new IncrementalMarkdown(sanitize);
      const final = letters(oneShot(tokens.join('')));
      const takenBack: string[] = [];
      let text = '';
      for (const token of tokens) {
        md.append(token);
        text += token;
        const { blocks, tail } = md.view();
        if (!final.startsWith(letters(blocks.join('') + tail))) takenBack.push(text.slice(-24));
      }
      expect(takenBack).toEqual([]);
    });

    it('marks that are not marks stay as written', () => {
      for (const text of ['2 * 3 = 6', 'snake_case_name', '* a list item', 'a < b and <think'])
        expect(tailOf(text).tail).toBe(oneShot(text));
    });

    it('a closed mark settles exactly as a one-shot render: only the live tail is ever changed', () => {
      const text = 'It mixes `Gated DeltaNet` with **gated attention**.\n\nNext `block';
      const md = new IncrementalMarkdown(sanitize);
      md.append(text);
      const view = md.view();
      expect(view.blocks.join('')).toBe(oneShot('It mixes `Gated DeltaNet` with **gated attention**.\n\n'));
      expect(view.tail).toContain('<code>block</code>');
    });
  });

  it('does not re-render settled blocks: earlier block strings are the same objects', () => {
    const md = new IncrementalMarkdown(sanitize);
    md.append('# One\n\npara\n\n');
    const a = md.view();
    md.append('more text');
    const b = md.view();
    expect(b.blocks[0]).toBe(a.blocks[0]);
  });
});

describe('sanitizing model output', () => {
  const attacks = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[click](javascript:alert(1))',
    '<a href="javascript:alert(1)">x</a>',
    '![x](javascript:alert(1))',
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload=alert(1)>',
  ];
  for (const attack of attacks) {
    it(`shows ${attack} as text, runs nothing`, () => {
      const html = oneShot(`Before ${attack} after`);
      const doc = new JSDOM(`<body>${html}</body>`).window.document;
      expect(doc.querySelectorAll('script, iframe, svg, img, [onerror], [onload]')).toHaveLength(0);
      expect([...doc.querySelectorAll('a')].every((a) => /^(https?:|mailto:)/.test(a.getAttribute('href') ?? ''))).toBe(true);
      expect(doc.body.textContent).toContain('Before');
    });
  }

  // the second wall: HTML that reaches the sanitizer itself (were the renderer ever to let some through)
  it('the sanitizer alone strips scripts, handlers, foreign tags and unsafe links, call after call', () => {
    const dirty = '<p onclick="x()">t</p><script>alert(1)</script><img src=x onerror=alert(1)><div>kept text</div><a href="javascript:alert(1)">l</a><a href="https://qwen.ai">ok</a><style>*{}</style><input type="text"><input type="checkbox" checked>';
    for (let i = 0; i < 2; i++) {
      const doc = new JSDOM(`<body>${sanitize(dirty)}</body>`).window.document;
      expect(doc.querySelectorAll('script, img, div, style, [onclick], [onerror], input[type=text]')).toHaveLength(0);
      expect(doc.body.textContent).toContain('kept text');
      expect([...doc.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([null, 'https://qwen.ai']);
      expect(doc.querySelector('input[type=checkbox]')?.hasAttribute('disabled')).toBe(true);
    }
    expect(sanitize('plain')).toBe('plain');
  });

  it('keeps raw HTML visible as text', () => {
    const doc = new JSDOM(`<body>${oneShot('Use <b>bold</b> tags')}</body>`).window.document;
    expect(doc.body.textContent?.trim()).toBe('Use <b>bold</b> tags');
  });

  it('links open in a new tab without opener; remote images wait for a click', () => {
    const html = oneShot('[Qwen](https://qwen.ai) ![chart](https://example.com/c.png)');
    expect(html).toContain('<a href="https://qwen.ai" target="_blank" rel="noopener noreferrer">Qwen</a>');
    expect(html).toContain('data-src="https://example.com/c.png"');
    expect(html).not.toContain('<img');
  });

  it('renders tables, task lists and code', () => {
    const html = oneShot(RICH);
    expect(html).toContain('<table>');
    expect(html).toMatch(/<input[^>]*type="checkbox"[^>]*>/);
    expect(html).toContain('<pre><code class="language-python">');
  });

  it('a task’s checkbox says whether it is done to a screen reader, whatever label the text tried to give it', () => {
    const doc = new JSDOM(`<body>${oneShot('- [x] shipped\n- [ ] tested')}${sanitize('<input type="checkbox" aria-label="Click me">')}</body>`).window.document;
    expect([...doc.querySelectorAll('input')].map((i) => i.getAttribute('aria-label'))).toEqual(['Done', 'Not done', 'Not done']);
  });
});
