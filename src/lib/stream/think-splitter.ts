// Splits inline `<think>…</think>` out of streamed content, with tags cut anywhere across chunks.

export interface Piece {
  kind: 'reasoning' | 'content';
  text: string;
}

const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * `auto`: reasoning only when the content opens with `<think>`.
 * `closing-only`: the prompt template already opened the block (Qwen3-2507, Qwen3-Next-Thinking),
 * so everything up to `</think>` is reasoning unless the text opens otherwise.
 */
export type ThinkMode = 'auto' | 'closing-only';

type State = 'start' | 'reasoning' | 'after-close' | 'content';

export class ThinkSplitter {
  #state: State = 'start';
  #held = '';
  #mode: ThinkMode;
  /** whitespace right after `<think>` is layout, not reasoning, even when it comes in a later chunk */
  #trimLead = false;
  /** a `</think>` was seen: the reasoning block is complete */
  closed = false;

  constructor(mode: ThinkMode = 'auto') {
    this.#mode = mode;
  }

  push(text: string): Piece[] {
    const out: Piece[] = [];
    this.#run(this.#held + text, out);
    return out;
  }

  /** Releases whatever was held back waiting for a possible tag. */
  end(): Piece[] {
    const out: Piece[] = [];
    const held = this.#held;
    this.#held = '';
    if (!held) return out;
    if (this.#state === 'reasoning') emit(out, 'reasoning', held);
    else if (this.#state !== 'after-close') emit(out, this.#state === 'start' && this.#mode === 'closing-only' ? 'reasoning' : 'content', held);
    return out;
  }

  #run(text: string, out: Piece[]): void {
    this.#held = '';
    if (this.#state === 'start') {
      const lead = text.length - text.trimStart().length;
      const rest = text.slice(lead);
      if (rest.startsWith(OPEN)) {
        this.#state = 'reasoning';
        this.#trimLead = true;
        text = rest.slice(OPEN.length);
      } else if (OPEN.startsWith(rest)) {
        this.#held = text; // could still become `<think>`
        return;
      } else {
        this.#state = this.#mode === 'closing-only' ? 'reasoning' : 'content';
      }
    }
    if (this.#state === 'reasoning') {
      if (this.#trimLead) {
        text = text.trimStart();
        if (text) this.#trimLead = false;
      }
      const close = text.indexOf(CLOSE);
      if (close < 0) {
        const keep = heldSuffix(text);
        emit(out, 'reasoning', text.slice(0, text.length - keep));
        this.#held = text.slice(text.length - keep);
        return;
      }
      emit(out, 'reasoning', text.slice(0, close).replace(/\s+$/, ''));
      this.closed = true;
      this.#state = 'after-close';
      text = text.slice(close + CLOSE.length);
    }
    if (this.#state === 'after-close') {
      text = text.trimStart();
      if (!text) return;
      this.#state = 'content';
    }
    emit(out, 'content', text);
  }
}

/** How much of the end of `text` must wait: trailing whitespace and any start of `</think>`. */
function heldSuffix(text: string): number {
  let keep = 0;
  for (let n = Math.min(CLOSE.length - 1, text.length); n > 0; n--) {
    if (CLOSE.startsWith(text.slice(text.length - n))) {
      keep = n;
      break;
    }
  }
  const body = text.slice(0, text.length - keep);
  return keep + (body.length - body.replace(/\s+$/, '').length);
}

function emit(out: Piece[], kind: Piece['kind'], text: string): void {
  if (!text) return;
  const last = out.at(-1);
  if (last?.kind === kind) last.text += text;
  else out.push({ kind, text });
}
