// The first answer used to run cold code: marked's and DOMPurify's functions and regular expressions are
// compiled on first use (here 24 and 60 ms for the first lines of markdown), in the frames where four panels
// start at once. This runs the same path once, on samples, in small steps for idle moments. A regular
// expression is compiled once for text of one byte per character and again for text with wider characters
// (an em dash, CJK, an emoji: most answers), so the sample runs in both forms: warmed with ASCII alone, the
// first quote with an emoji still took 30-40 ms to read in Chromium, and 0.6 ms warmed with both.
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

/** The sample with wider characters in every block: no part of it is read as one byte per character. */
const WIDE_SAMPLE = `# Heading — 标题

A paragraph — with **bold**, *emphasis*, \`inline code ✓\`, ~~struck~~ and a [link](https://example.com/路径).

- a list item — 一
- [x] a task ✓
  1. nested — 二

> a quote — 🚀

| a — 甲 | b |
|---|:-:|
| 1 | 2 — 乙 |

\`\`\`python
def f(x):  # 注释
    return x * 2
\`\`\`
`;

/** Streams the samples through the incremental renderer as an answer would arrive, one line per step. */
export function warmUpMarkdown(sanitize: Sanitize): Array<() => void> {
  return [SAMPLE, WIDE_SAMPLE].flatMap((sample) => {
    const markdown = new IncrementalMarkdown(sanitize);
    const lines = sample.split(/(?<=\n)/).map((line) => () => {
      markdown.append(line);
      markdown.view();
    });
    return [...lines, () => void markdown.finish()];
  });
}

/** A few lines of each language the highlighter knows; the commonest also with wider characters. */
const CODE: Array<[language: string, code: string]> = [
  ['python', 'import os\n\n@cache\ndef f(x: int = 1, *args) -> str:\n    """doc"""\n    return f"{x!r}" if x else None  # note\n'],
  ['javascript', "import { a } from 'b';\nconst f = async (x = 1) => `${x}` ?? null; // note\nclass A extends B { #p = /re/g; }\n"],
  ['typescript', 'interface A<T> { x: T }\nexport function f(x: number): string { return String(x as unknown); }\n'],
  ['bash', 'for f in *.txt; do echo "$f" | grep -q x && cat "${f%.txt}"; done # note\n'],
  ['json', '{"a": [1, 2.5, true, null], "b": {"c": "d"}}\n'],
  ['rust', 'fn main() -> Result<(), Box<dyn Error>> { let v: Vec<u8> = vec![1]; println!("{v:?}"); Ok(()) }\n'],
  ['go', 'package main\n\nfunc main() { x := map[string]int{"a": 1}; fmt.Println(x) }\n'],
  ['cpp', '#include <vector>\ntemplate <typename T> auto f(const std::vector<T>& v) -> T { return v[0]; }\n'],
  ['java', 'public class A { @Override public String toString() { return "a" + 1L; } }\n'],
  ['sql', "SELECT a, COUNT(*) FROM t WHERE b = 'x' GROUP BY a ORDER BY 2 DESC;\n"],
  ['yaml', 'a: 1\nb:\n  - "c"\n  - d: true # note\n'],
  ['xml', '<div class="a"><!-- note --><b>x</b> &amp;</div>\n'],
  ['css', '.a > b:hover { color: #fff; margin: 0 1px !important; }\n'],
  ['markdown', '# A\n\n**b** and `c`\n'],
  ['python', 'def f(x):  # 注释 — ✓\n    return "数据"\n'],
  ['javascript', "const s = '数据'; // 注释 — ✓\n"],
];

/**
 * The highlighter compiles a language's grammar the first time it meets the language, and its own code
 * runs cold: the first Python block took 30 ms to highlight. This highlights a sample of each language it
 * knows, one per step.
 */
export function warmUpHighlighter(hljs: HLJSApi): Array<() => void> {
  return CODE.filter(([language]) => hljs.getLanguage(language)).map(([language, code]) => () => void hljs.highlight(code, { language }));
}
