// Splits inline `<think>…</think>` out of streamed content, with tags cut anywhere across chunks.

/**
 * `was-reasoning`: a `</think>` came with no `<think>` before it, so all the content given out so far
 * was reasoning (the prompt template opened the block); what follows it is the reasoning's end and the answer.
 */
export type Piece = { kind: 'reasoning' | 'content'; text: string } | { kind: 'was-reasoning' };

const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * `auto`: reasoning when the content opens with `<think>`; content that does not is the answer until a
 * `</think>` shows it was reasoning (any model may be served under a name that hides its template).
 * `closing-only`: the prompt template already opened the block (Qwen3-2507, Qwen3-Next-Thinking),
 * so everything up to `</think>` is reasoning unless the text opens otherwise.
 */
export type ThinkMode = 'auto' | 'closing-only';

/** `unopened`: answer text with no block before it, which a lone `</think>` would turn into reasoning */
type State = 'start' | 'reasoning' | 'unopened' | 'after-close' | 'content';

export class ThinkSplitter {
  #state: State = 'start';
  #held = '';
  #mode: ThinkMode;
  /** whitespace right after `<think>` is layout, not reasoning, even when it comes in a later chunk */
  #trimLead = false;
  /** a reasoning block came from elsewhere (the server's reasoning field) or a tool call began: a later `</think>` is text */
  #settled = false;
  /** a `</think>` was seen: the reasoning block is complete */
  closed = false;
  /** characters examined so far: the work done, which grows with what was pushed, never with what came before */
  scanned = 0;

  constructor(mode: ThinkMode = 'auto') {
    this.#mode = mode;
  }

  push(text: string): Piece[] {
    const out: Piece[] = [];
    this.#run(this.#held + text, out);
    return out;
  }

  /**
   * The answer so far is known to be an answer: reasoning came in its own field, or a tool call was made.
   * A `</think>` after this is text.
   */
  settle(): void {
    this.#settled = true;
    if (this.#state === 'unopened') this.#state = 'content';
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
    this.scanned += text.length;
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
        this.#state = this.#mode === 'closing-only' ? 'reasoning' : this.#settled ? 'content' : 'unopened';
      }
    }
    if (this.#state === 'unopened') {
      const close = text.indexOf(CLOSE);
      const open = text.indexOf(OPEN);
      if (open >= 0 && (close < 0 || open < close)) {
        // a `<think>` inside the answer pairs with the `</think>` after it: both are text
        this.#state = 'content';
      } else if (close < 0) {
        // the end of the text waits: it may be the start of a tag, or space before `</think>`
        const keep = heldSuffix(text, OPEN);
        emit(out, 'content', text.slice(0, text.length - keep));
        this.#held = text.slice(text.length - keep);
        return;
      } else {
        out.push({ kind: 'was-reasoning' });
        emit(out, 'reasoning', text.slice(0, close).replace(/\s+$/, ''));
        this.closed = true;
        this.#state = 'after-close';
        text = text.slice(close + CLOSE.length);
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

/** How much of the end of `text` must wait: trailing whitespace and any start of `</think>` (or of `also`). */
function heldSuffix(text: string, also = CLOSE): number {
  let keep = 0;
  for (let n = Math.min(CLOSE.length - 1, text.length); n > 0; n--) {
    const tail = text.slice(text.length - n);
    if (CLOSE.startsWith(tail) || also.startsWith(tail)) {
      keep = n;
      break;
    }
  }
  const body = text.slice(0, text.length - keep);
  return keep + (body.length - body.replace(/\s+$/, '').length);
}

function emit(out: Piece[], kind: 'reasoning' | 'content', text: string): void {
  if (!text) return;
  const last = out.at(-1);
  if (last?.kind === kind) last.text += text;
  else out.push({ kind, text });
}
