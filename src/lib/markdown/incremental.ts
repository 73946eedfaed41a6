// Streaming markdown: settled blocks are rendered and sanitized once; only the live tail is redone per frame.
import { renderMarkdown } from './render.ts';
import type { Sanitize } from './sanitize.ts';

export interface MarkdownView {
  /** HTML of settled blocks, in order; earlier entries never change while streaming */
  blocks: string[];
  /** HTML of the unsettled end of the text */
  tail: string;
}

/**
 * A block settles at a blank line outside a code fence. Work per update is proportional to the new
 * text plus the tail, never to the whole answer. `finish` renders the whole text once, so the end
 * result equals a one-shot render even where a later block changes an earlier one (loose lists, link references).
 */
export class IncrementalMarkdown {
  #sanitize: Sanitize;
  #blocks: string[] = [];
  /** marked's output for each block, before sanitizing: what `finish` compares with a one-shot render */
  #raw: string[] = [];
  #settledTo = 0; // text before this index is in #blocks
  #scannedTo = 0; // fence state is known up to here
  #inFence: string | null = null; // the fence marker while inside a code block
  #lineStart = 0;
  #lastBoundary = 0; // the latest blank line outside a fence

  constructor(sanitize: Sanitize) {
    this.#sanitize = sanitize;
  }

  /** Takes the whole text so far (it only ever grows) and returns the view. */
  update(text: string): MarkdownView {
    this.#scan(text);
    if (this.#lastBoundary > this.#settledTo) this.#settle(text, this.#lastBoundary);
    const rest = text.slice(this.#settledTo);
    return { blocks: this.#blocks, tail: rest.trim() ? this.#sanitize(renderMarkdown(rest)) : '' };
  }

  /**
   * The final render of a finished text, equal to a one-shot render. When marked renders the whole text
   * exactly as the concatenation of the blocks (no loose list or link reference spanning a block end),
   * the blocks already on screen stay: no sanitizing, no new DOM, no relayout of a long answer.
   */
  finish(text: string): MarkdownView {
    if (text.length > this.#settledTo) this.#settle(text, text.length);
    const whole = renderMarkdown(text);
    if (whole !== this.#raw.join('')) {
      this.#raw = [whole];
      this.#blocks = [this.#sanitize(whole)];
    }
    this.#scannedTo = this.#lastBoundary = this.#lineStart = text.length;
    return { blocks: this.#blocks, tail: '' };
  }

  #settle(text: string, to: number): void {
    const raw = renderMarkdown(text.slice(this.#settledTo, to));
    this.#raw.push(raw);
    this.#blocks = [...this.#blocks, this.#sanitize(raw)];
    this.#settledTo = to;
  }

  /** Walks only the new text, line by line, tracking code fences and blank lines. */
  #scan(text: string): void {
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
