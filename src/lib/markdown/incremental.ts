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
    if (this.#lastBoundary > this.#settledTo) {
      const html = this.#sanitize(renderMarkdown(text.slice(this.#settledTo, this.#lastBoundary)));
      this.#blocks = [...this.#blocks, html];
      this.#settledTo = this.#lastBoundary;
    }
    const rest = text.slice(this.#settledTo);
    return { blocks: this.#blocks, tail: rest.trim() ? this.#sanitize(renderMarkdown(rest)) : '' };
  }

  /** The final render of a finished text: one block, equal to a one-shot render. */
  finish(text: string): MarkdownView {
    this.#blocks = [this.#sanitize(renderMarkdown(text))];
    this.#settledTo = this.#scannedTo = this.#lastBoundary = this.#lineStart = text.length;
    return { blocks: this.#blocks, tail: '' };
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
