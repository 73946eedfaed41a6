// Streaming markdown: settled blocks are rendered and sanitized once; only the live tail is redone per frame.
import { renderInPieces, renderMarkdown, renderUnfinished, type RenderedPiece } from './render.ts';
import type { Sanitize } from './sanitize.ts';

export interface MarkdownView {
  /** HTML of settled blocks, in order; earlier entries never change while streaming */
  blocks: string[];
  /** HTML of the unsettled end of the text */
  tail: string;
}

/**
 * A last line whose meaning its next characters decide, shown as stray text until then: a list marker, or
 * the number of one, with at most a task box on its way (`-`, `2.`, `- [x`); a line of only `-`, `=`, `*`
 * or `_` (a heading's underline, a rule, or `**` opening bold).
 */
const LINE_ON_ITS_WAY = /^[ \t]*(?:(?:[-*+]|\d{1,9}[.)]?)(?:[ \t]+\[[ xX]?\]?)?|-+|=+|\*+|_+)[ \t]*$/;
/**
 * A block that may be a table still missing its delimiter row: a line starting with `|`, and at most the
 * start of a line of `|`, `:` and `-` under it. Shown now it would be a paragraph of pipes, which turns
 * into a table a moment later.
 */
const TABLE_ON_ITS_WAY = /^\s*\|[^\n]*(?:\n[ \t|:-]*)?$/;
/**
 * A link or image whose address is being written: `[text](https://qw`. The address would show as text
 * and then leave the screen: a link shows its text alone until it closes, an image nothing.
 */
const LINK_ON_ITS_WAY = /(!?)\[([^[\]\n]*)\]\([^()\s]*$/;
/**
 * Marks that open emphasis or code at the very end, with nothing after them yet: `about *`, `mixes \``. After
 * a space, `*`, `_` and `~` cannot close anything (CommonMark's flanking rules); backticks can, see the use.
 */
const OPENER_AT_END = /(?<=^|[\s(])(?:[*_~]+|`+)$/;

/** How much text (characters) the final render sanitizes at a time past the blocks already on screen. */
const PIECE_CHARS = 2000;

/** The final render under way: the whole text's render in pieces, and the blocks made of those done so far. */
interface FinalRender {
  pieces: RenderedPiece[];
  next: number;
  blocks: string[];
  /** the settled blocks the pieces done so far replace */
  replaced: number;
  /** where each settled block starts, and where the last one ends: the offsets a piece can keep blocks between */
  blockAt: Map<number, number>;
  /** how much of the text the settled blocks hold; the rest was the tail */
  settled: number;
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
  /** the tail as last shown: it stays while the final render has not reached it */
  #tail = '';
  #final: FinalRender | null = null;

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
    const shown = this.#withoutLineOnItsWay();
    this.#tail = shown.trim() ? this.#sanitize(renderUnfinished(shown)) : '';
    return { blocks: this.#blocks, tail: this.#tail };
  }

  /** The whole text appended so far: O(text), for the occasional reader (copy, save), never per frame. */
  get text(): string {
    return this.#sources.join('') + this.#rest;
  }

  /** Its length, O(1). */
  get length(): number {
    return this.#length;
  }

  /** The final render of a finished text, all at once: equal to a one-shot render (see `finishSome`). */
  finish(): MarkdownView {
    return this.finishSome(() => Infinity).view;
  }

  /**
   * The final render of a finished text, equal to a one-shot render, a slice at a time: call it until
   * `done`. The whole text is rendered as one, in pieces at its block ends (`renderInPieces`). A piece
   * equal to blocks already on screen keeps them: no sanitizing, no new DOM, no relayout of a long answer.
   * Only the others are sanitized, at least one a call and more while `timeLeft()` (ms) lasts. Usually
   * that is the last block alone; an answer reopened from history, never shown before, is all new, and
   * fills in piece by piece instead of holding the page for the whole of it.
   */
  finishSome(timeLeft: () => number): { view: MarkdownView; done: boolean } {
    if (this.#finished) return { view: { blocks: this.#blocks, tail: '' }, done: true };
    const final = (this.#final ??= this.#planFinal());
    if (!final.pieces.length) return this.#done([]);
    do {
      const piece = final.pieces[final.next++]!;
      const [first, end] = [final.blockAt.get(piece.from), final.blockAt.get(piece.to)];
      const same = first !== undefined && end !== undefined && end > first && this.#raw.slice(first, end).join('') === piece.html;
      if (same) final.blocks.push(...this.#blocks.slice(first, end));
      else final.blocks.push(this.#sanitize(piece.html));
      final.replaced = end ?? this.#blocks.length;
    } while (final.next < final.pieces.length && timeLeft() > 0);
    if (final.next < final.pieces.length) {
      // the blocks not reached yet stay as they were, and the tail too while no piece has gone past the blocks
      const reachedTail = final.pieces[final.next - 1]!.to > final.settled;
      return { view: { blocks: [...final.blocks, ...this.#blocks.slice(final.replaced)], tail: reachedTail ? '' : this.#tail }, done: false };
    }
    return this.#done(final.blocks);
  }

  #done(blocks: string[]): { view: MarkdownView; done: true } {
    this.#blocks = blocks;
    this.#raw = [];
    this.#final = null;
    this.#finished = true;
    return { view: { blocks, tail: '' }, done: true };
  }

  #planFinal(): FinalRender {
    const text = this.text;
    const blockAt = new Map<number, number>([[0, 0]]);
    const ends: number[] = [];
    let at = 0;
    this.#sources.forEach((source, i) => {
      ends.push((at += source.length));
      blockAt.set(at, i + 1);
    });
    // marked could not say where its blocks are in this text: one piece, the whole
    const pieces = renderInPieces(text, ends, PIECE_CHARS) ?? [{ from: 0, to: text.length, html: renderMarkdown(text) }];
    return { pieces, next: 0, blocks: [], replaced: 0, blockAt, settled: at };
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

  /**
   * The rest as the live tail shows it. Its last line, still being written, waits for its next character
   * while it may yet become a code fence: `` `` `` shows as stray backticks for a frame, and inside a code
   * block a closing fence on its way as a line of code. Outside code, a line whose next characters decide
   * what it is (`LINE_ON_ITS_WAY`: a list marker with no item yet, alone just text, shown as a stray "-" at
   * the end of the line above) waits too, and so do marks opening emphasis or code with nothing after them
   * (`OPENER_AT_END`), which nothing can close yet, a table's head until its delimiter row is there
   * (`TABLE_ON_ITS_WAY`), and a link's address until it closes (`LINK_ON_ITS_WAY`).
   * Call after `#scan`: the last line starts at `#lineStart`.
   */
  #withoutLineOnItsWay(): string {
    const line = this.#rest.slice(this.#lineStart);
    const fence = this.#inFence;
    const marks = /^ {0,3}(`+|~+)$/.exec(line)?.[1];
    if (marks) {
      const onItsWay = fence === null ? marks.length < 3 : marks[0] === fence[0] && marks.length < fence.length;
      return onItsWay ? this.#rest.slice(0, this.#lineStart) : this.#rest;
    }
    if (fence !== null) return this.#rest;
    if (TABLE_ON_ITS_WAY.test(this.#rest)) return '';
    if (LINE_ON_ITS_WAY.test(line)) return this.#rest.slice(0, this.#lineStart);
    const link = LINK_ON_ITS_WAY.exec(line);
    if (link) return this.#rest.slice(0, this.#rest.length - link[0].length) + (link[1] ? '' : link[2]);
    const opener = OPENER_AT_END.exec(line)?.[0];
    // backticks after a space may close a code span (`` `x` ``): only the line's first ones surely open one
    if (!opener || (opener[0] === '`' && line.indexOf('`') < line.length - opener.length)) return this.#rest;
    return this.#rest.slice(0, this.#rest.length - opener.length);
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
