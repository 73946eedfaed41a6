// Streaming markdown: settled blocks are rendered and sanitized once; only the live tail is redone per frame.
import { renderMarkdown, renderUnfinished } from './render.ts';
import type { Sanitize } from './sanitize.ts';

export interface MarkdownView {
  /** HTML of settled blocks, in order; earlier entries never change while streaming */
  blocks: string[];
  /** HTML of the unsettled end of the text */
  tail: string;
}

/**
 * A block settles at a blank line outside a code fence. Work per view is proportional to the new
 * text plus the tail, never to the whole answer: the streamed text is only ever held as settled pieces
 * and the unsettled rest. (Slicing or searching one long string that grows by `+=` makes V8 copy all of
 * it into one flat string, on every frame: quadratic work, and garbage that stalls frames to collect.)
 * `finish` renders the whole text once, so the end result equals a one-shot render even where a later
 * block changes an earlier one (loose lists, link references).
 */
export class IncrementalMarkdown {
  #sanitize: Sanitize;
  #blocks: string[] = [];
  /** marked's output for each block, before sanitizing: what `finish` compares with a one-shot render */
  #raw: string[] = [];
  /** the markdown source of each settled block */
  #sources: string[] = [];
  /** the text after the last settled block; every index below counts from its start */
  #rest = '';
  #scannedTo = 0; // fence state is known up to here
  #inFence: string | null = null; // the fence marker while inside a code block
  #lineStart = 0;
  #lastBoundary = 0; // the latest blank line outside a fence (0: none yet)
  #length = 0;
  #finished = false;

  constructor(sanitize: Sanitize) {
    this.#sanitize = sanitize;
  }

  /** O(chunk): the text only grows. */
  append(chunk: string): void {
    if (this.#finished) throw new Error('append after finish');
    this.#rest += chunk;
    this.#length += chunk.length;
  }

  /** Settles the blocks completed since the last view and renders the tail. */
  view(): MarkdownView {
    if (this.#finished) return { blocks: this.#blocks, tail: '' };
    this.#scan();
    if (this.#lastBoundary > 0) this.#settle(this.#lastBoundary);
    return { blocks: this.#blocks, tail: this.#rest.trim() ? this.#sanitize(renderUnfinished(this.#rest)) : '' };
  }

  /** The whole text appended so far: O(text), for the occasional reader (copy, save), never per frame. */
  get text(): string {
    return this.#sources.join('') + this.#rest;
  }

  /** Its length, O(1). */
  get length(): number {
    return this.#length;
  }

  /**
   * The final render of a finished text, equal to a one-shot render. When marked renders the whole text
   * exactly as the concatenation of the blocks (no loose list or link reference spanning a block end),
   * the blocks already on screen stay: no sanitizing, no new DOM, no relayout of a long answer.
   */
  finish(): MarkdownView {
    if (this.#finished) return { blocks: this.#blocks, tail: '' };
    const text = this.text;
    if (this.#rest) this.#settle(this.#rest.length);
    const whole = renderMarkdown(text);
    if (whole !== this.#raw.join('')) {
      this.#raw = [whole];
      this.#blocks = [this.#sanitize(whole)];
    }
    this.#finished = true;
    return { blocks: this.#blocks, tail: '' };
  }

  /** Moves the text before `to` (an index into the rest) into a new settled block. */
  #settle(to: number): void {
    const source = this.#rest.slice(0, to);
    const raw = renderMarkdown(source);
    this.#sources.push(source);
    this.#raw.push(raw);
    this.#blocks = [...this.#blocks, this.#sanitize(raw)];
    this.#rest = this.#rest.slice(to);
    this.#scannedTo -= to;
    this.#lineStart -= to;
    this.#lastBoundary = 0;
  }

  /** Walks only the new text, line by line, tracking code fences and blank lines. */
  #scan(): void {
    const text = this.#rest;
    let i = this.#scannedTo;
    while (true) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      const line = text.slice(this.#lineStart, nl);
      const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (fence) {
        if (this.#inFence === null) this.#inFence = fence[1]!;
        else if (fence[1]!.startsWith(this.#inFence) && line.trim() === fence[1]) this.#inFence = null;
      } else if (this.#inFence === null && line.trim() === '' && nl > 0) {
        this.#lastBoundary = nl + 1;
      }
      this.#lineStart = nl + 1;
      i = nl + 1;
    }
    this.#scannedTo = this.#lineStart;
  }
}
