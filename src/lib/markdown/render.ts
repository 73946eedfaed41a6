// Markdown → HTML with marked, made safe before sanitizing: raw HTML shown as text, links and images tamed.
import { Marked, type Tokens } from 'marked';
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

/**
 * While a block is still streaming its marks may be open: `**bold`, `` `code``, `~~gone`. Showing them
 * raw until the closing mark arrives makes the text flicker between syntax and formatting, so the live
 * tail is rendered as if they were closed. Only the tail: settled blocks and the final render take the
 * text as it is, so the end result still equals a one-shot render. Left as written: links and images
 * (remend would drop the `[` of `array[1` until the `]` came), and what the final render would undo
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
  return renderMarkdown(remend(text, CLOSE_OPEN_MARKS));
}
