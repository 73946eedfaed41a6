import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { loadHighlighter } from './highlight.ts';
import { createSanitizer } from './sanitize.ts';
import { warmUpHighlighter, warmUpMarkdown } from './warm-up.ts';

const { window } = new JSDOM('');
const sanitize = createSanitizer(window as unknown as Parameters<typeof createSanitizer>[0]);

describe('warmUpMarkdown', () => {
  it('streams every kind of block an answer has through rendering and sanitizing, in small steps', () => {
    const seen: string[] = [];
    const steps = warmUpMarkdown((html) => (seen.push(html), sanitize(html)));
    expect(steps.length).toBeGreaterThan(20);
    steps.forEach((step) => step());
    const html = seen.join('');
    for (const tag of ['<h1', '<strong>', '<em>', '<code>', '<del>', '<a href', '<ul>', '<ol>', 'type="checkbox"', '<blockquote>', '<table>', '<pre><code class="language-python">'])
      expect(html).toContain(tag);
    // the live tail was rendered on the way, not only settled blocks
    expect(seen.length).toBeGreaterThan(steps.length / 2);
  });

  it('runs each kind of block also with wider characters than one byte each (em dash, CJK, emoji)', () => {
    const seen: string[] = [];
    warmUpMarkdown((html) => (seen.push(html), html)).forEach((step) => step());
    const wide = seen.filter((html) => /[^\u0000-\u00ff]/.test(html)).join('');
    for (const tag of ['<h1', '<strong>', '<a href', '<ul>', '<ol>', 'type="checkbox"', '<blockquote>', '<table>', '<pre><code class="language-python">'])
      expect(wide).toContain(tag);
  });
});

describe('warmUpHighlighter', () => {
  it('compiles the grammar of every language the highlighter knows, one per step', async () => {
    const hljs = await loadHighlighter();
    const steps = warmUpHighlighter(hljs);
    const languages = hljs.listLanguages();
    expect(steps.length).toBeGreaterThanOrEqual(languages.length);
    const compiled = () => languages.filter((name) => (hljs.getLanguage(name) as { isCompiled?: boolean }).isCompiled);
    expect(compiled()).toEqual([]);
    steps.forEach((step) => step());
    expect(compiled()).toEqual(languages);
  });
});
