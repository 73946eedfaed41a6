import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { createSanitizer } from './sanitize.ts';
import { warmUpMarkdown } from './warm-up.ts';

const { window } = new JSDOM('');
const sanitize = createSanitizer(window as unknown as Parameters<typeof createSanitizer>[0]);

describe('warmUpMarkdown', () => {
  it('streams every kind of block an answer has through rendering and sanitizing, in small steps', () => {
    const seen: string[] = [];
    const steps = warmUpMarkdown((html) => (seen.push(html), sanitize(html)));
    expect(steps.length).toBeGreaterThan(10);
    steps.forEach((step) => step());
    const html = seen.join('');
    for (const tag of ['<h1', '<strong>', '<em>', '<code>', '<del>', '<a href', '<ul>', '<ol>', 'type="checkbox"', '<blockquote>', '<table>', '<pre><code class="language-python">'])
      expect(html).toContain(tag);
    // the live tail was rendered on the way, not only settled blocks
    expect(seen.length).toBeGreaterThan(steps.length / 2);
  });
});
