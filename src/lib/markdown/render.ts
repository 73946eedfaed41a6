// Markdown → HTML with marked, made safe before sanitizing: raw HTML shown as text, links and images tamed.
import { Marked, type Token, type Tokens } from 'marked';
import remend, { type RemendOptions } from 'remend';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const SAFE_URL = /^(?:https?:|mailto:)/i;

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    // model output is untrusted: HTML it writes is shown as the text it is
    html: ({ text }: Tokens.HTML | Tokens.Tag) => escapeHtml(text),
    link({ href, title, tokens }: Tokens.Link) {
      const text = this.parser.parseInline(tokens);
      if (!SAFE_URL.test(href)) return text;
      return `<a href="${escapeHtml(href)}"${title ? ` title="${escapeHtml(title)}"` : ''} target="_blank" rel="noopener noreferrer">${text}</a>`;
    },
    // remote images load only when clicked: a model must not make the page fetch what it likes
    image({ href, text }: Tokens.Image) {
      if (!/^https?:/i.test(href)) return escapeHtml(text);
      let host = href;
      try {
        host = new URL(href).host;
      } catch {
        /* keep the raw text */
      }
      return `<button type="button" class="md-image" data-src="${escapeHtml(href)}" data-alt="${escapeHtml(text)}">Show image${text ? ` “${escapeHtml(text)}”` : ''} from ${escapeHtml(host)}</button>`;
    },
  },
});

/** One-shot render of a whole markdown text (not yet sanitized). */
export function renderMarkdown(text: string): string {
  return marked.parse(text, { async: false });
}

/** Part of a one-shot render: the HTML of the text from `from` to `to`, as the whole text's render has it. */
export interface RenderedPiece {
  from: number;
  to: number;
  readonly html: string;
}

/** A piece whose HTML is made when first read: reading the whole text is one job, rendering each piece another. */
function lazyPiece(from: number, to: number, tokens: Token[]): RenderedPiece {
  let html: string | undefined;
  return {
    from,
    to,
    get html() {
      return (html ??= marked.parser(tokens));
    },
  };
}

/**
 * A one-shot render of `text` (not yet sanitized) in pieces whose HTML joined is exactly `renderMarkdown(text)`:
 * the text is read as a whole (a loose list or a link reference across a blank line comes out as in a
 * one-shot render), and each top-level block is rendered on its own. A piece ends only where a top-level
 * block ends: at each of `cuts` (ascending) that is such an end, and after the last cut, once it holds
 * `size` characters. Each piece is rendered when its `html` is first read, so a caller can spread the work.
 * Null where marked's blocks do not add up to the text as given (it turns `\r\n` into `\n`), so no offset
 * can be trusted.
 */
export function renderInPieces(text: string, cuts: readonly number[], size: number): RenderedPiece[] | null {
  const tokens = marked.lexer(text);
  if (tokens.reduce((n, t) => n + t.raw.length, 0) !== text.length) return null;
  const lastCut = cuts.at(-1) ?? 0;
  const pieces: RenderedPiece[] = [];
  let from = 0;
  let first = 0;
  let at = 0;
  let c = 0;
  for (let i = 0; i < tokens.length; i++) {
    at += tokens[i]!.raw.length;
    while (c < cuts.length && cuts[c]! < at) c++;
    // the parser joins consecutive top-level text tokens into one paragraph: never cut between them
    const joined = tokens[i]!.type === 'text' && tokens[i + 1]?.type === 'text';
    const end = i === tokens.length - 1 || (!joined && (at <= lastCut ? cuts[c] === at : at - from >= size));
    if (!end) continue;
    pieces.push(lazyPiece(from, at, tokens.slice(first, i + 1)));
    from = at;
    first = i + 1;
  }
  return pieces;
}

/**
 * While a block is still streaming its marks may be open: `**bold`, `` `code``, `~~gone`. Showing them
 * raw until the closing mark arrives makes the text flicker between syntax and formatting, so the live
 * tail is rendered as if they were closed. Only the tail: settled blocks and the final render take the
 * text as it is, so the end result still equals a one-shot render. Left as written: links and images
 * (remend would drop the `[` of `array[1` until the `]` came; an address being written is held back in
 * `IncrementalMarkdown`), and what the final render would undo
 * (escaping `~` and `>`, dropping a half-written HTML tag, which this app shows as text anyway).
 */
const CLOSE_OPEN_MARKS: RemendOptions = {
  links: false,
  images: false,
  katex: false,
  inlineKatex: false,
  htmlTags: false,
  singleTilde: false,
  comparisonOperators: false,
};

/** Render of the unfinished end of a streaming text (not yet sanitized): open inline marks closed. */
export function renderUnfinished(text: string): string {
  return renderMarkdown(isIndentedCode(text) ? text : remend(text, CLOSE_OPEN_MARKS));
}

/**
 * An indented code block (every line indented by 4 spaces or a tab, or blank) holds no marks to close:
 * remend knows fenced code only, and would end `f(*args, **kwargs` with `***`. Linear in the text.
 */
function isIndentedCode(text: string): boolean {
  return /^(?: {4}|\t)/.test(text) && !/\n(?! {4}|\t)[ \t]*\S/.test(text);
}
