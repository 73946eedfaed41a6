// The first answer used to run cold code: marked's and DOMPurify's functions and regular expressions are
// compiled on first use (here 24 and 60 ms for the first lines of markdown), in the frames where four panels
// start at once. This runs the same path once, on a sample, in small steps for idle moments.
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
