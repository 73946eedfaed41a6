// Finds Qwen's `<tool_call>{…}</tool_call>` blocks in streamed content, for servers whose tool parser missed them.

export type TextPiece =
  | { kind: 'content'; text: string }
  | { kind: 'tool-call'; name: string; arguments: string };

const OPEN = '<tool_call>';
const CLOSE = '</tool_call>';

export class ToolCallTextExtractor {
  #held = '';
  #inside = false;
  /** the newline taken from before the open tag, given back if the block turns out not to be a call */
  #before = '';
  /** a block just closed: the newline that follows it is layout, even when it comes in the next read */
  #trimNewline = false;

  push(text: string): TextPiece[] {
    const out: TextPiece[] = [];
    let rest = this.#held + text;
    this.#held = '';
    if (this.#trimNewline && rest) {
      rest = rest.replace(/^\n/, '');
      this.#trimNewline = false;
    }
    for (;;) {
      if (!this.#inside) {
        const at = rest.indexOf(OPEN);
        if (at < 0) {
          // a newline may be the one that comes before a `<tool_call>`: hold it with the partial tag
          let keep = partialTag(rest, OPEN);
          if (rest.charAt(rest.length - keep - 1) === '\n') keep++;
          content(out, rest.slice(0, rest.length - keep));
          this.#held = rest.slice(rest.length - keep);
          return out;
        }
        const before = rest.slice(0, at);
        this.#before = before.endsWith('\n') ? '\n' : '';
        content(out, this.#before ? before.slice(0, -1) : before);
        rest = rest.slice(at + OPEN.length);
        this.#inside = true;
      }
      const end = rest.indexOf(CLOSE);
      if (end < 0) {
        this.#held = rest;
        return out;
      }
      const body = rest.slice(0, end);
      rest = rest.slice(end + CLOSE.length);
      this.#inside = false;
      const call = parseCall(body);
      if (call) {
        out.push({ kind: 'tool-call', ...call });
        this.#trimNewline = !rest;
        rest = rest.replace(/^\n/, '');
      } else content(out, this.#before + OPEN + body + CLOSE); // not a call after all: keep the text as the model wrote it
      this.#before = '';
    }
  }

  /** An unclosed block at the end is returned as text: nothing is lost. */
  end(): TextPiece[] {
    const out: TextPiece[] = [];
    content(out, (this.#inside ? this.#before + OPEN : '') + this.#held);
    this.#held = '';
    this.#inside = false;
    this.#before = '';
    return out;
  }
}

function parseCall(body: string): { name: string; arguments: string } | null {
  try {
    const value = JSON.parse(body) as { name?: unknown; arguments?: unknown };
    if (typeof value?.name !== 'string' || !value.name) return null;
    const args = value.arguments ?? {};
    return { name: value.name, arguments: typeof args === 'string' ? args : JSON.stringify(args) };
  } catch {
    return null;
  }
}

function partialTag(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) if (tag.startsWith(text.slice(text.length - n))) return n;
  return 0;
}

function content(out: TextPiece[], text: string): void {
  if (text) out.push({ kind: 'content', text });
}
