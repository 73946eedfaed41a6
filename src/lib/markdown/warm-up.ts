// The first answer used to run cold code: marked, DOMPurify and each highlight.js grammar are compiled on
// first use (here 24 and 60 ms for the first markdown lines, 1 to 54 ms per grammar), in the frames where
// four panels start at once. These run the same paths once, on a sample, in small steps for idle moments.
import type { HLJSApi } from 'highlight.js';
import { IncrementalMarkdown } from './incremental.ts';
import type { Sanitize } from './sanitize.ts';

const SAMPLE = `# Heading

A paragraph with **bold**, *emphasis*, \`inline code\`, ~~struck~~ and a [link](https://example.com).

- a list item
- [x] a task
  1. nested

> a quote

| a | b |
|---|:-:|
| 1 | 2 |

\`\`\`python
def f(x):
    return x * 2
\`\`\`
`;

/** Streams the sample through the incremental renderer as an answer would arrive, one line per step. */
export function warmUpMarkdown(sanitize: Sanitize): Array<() => void> {
  const markdown = new IncrementalMarkdown(sanitize);
  const lines = SAMPLE.split(/(?<=\n)/).map((line) => () => {
    markdown.append(line);
    markdown.view();
  });
  return [...lines, () => void markdown.finish()];
}

/** Compiles one grammar per call (highlight.js compiles a language the first time it is used). */
export function warmUpGrammars(hljs: HLJSApi): Array<() => void> {
  return hljs.listLanguages().map((language) => () => void hljs.highlight('x = 1', { language }));
}
