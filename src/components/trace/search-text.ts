// A text cut into paragraphs and matches of a search, so that a growing text changes only its last paragraph on screen.

export interface Part {
  text: string;
  hit: boolean;
}

export interface SearchedParagraph {
  text: string;
  parts: Part[];
  hits: number;
}

/** `text` with every case-insensitive match of `needle` marked; `needle` is one line, so no match crosses a paragraph. */
export function markMatches(text: string, needle: string): Part[] {
  const out: Part[] = [];
  const lower = text.toLowerCase();
  const q = needle.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(q); at >= 0 && q; at = lower.indexOf(q, at + q.length)) {
    out.push({ text: text.slice(from, at), hit: false }, { text: text.slice(at, at + q.length), hit: true });
    from = at + q.length;
  }
  out.push({ text: text.slice(from), hit: false });
  return out;
}

/**
 * The paragraphs of `text` (split at blank lines, as the unsearched view shows them) with their matches.
 * A paragraph whose text is unchanged since `previous` is handed back as the same object, so the screen
 * leaves it alone: while the text streams, only the last paragraph is searched and drawn again.
 */
export function searchParagraphs(text: string, needle: string, previous: readonly SearchedParagraph[] = []): SearchedParagraph[] {
  return text.split('\n\n').map((paragraph, i) => {
    const before = previous[i];
    if (before?.text === paragraph) return before;
    const parts = markMatches(paragraph, needle);
    return { text: paragraph, parts, hits: parts.filter((p) => p.hit).length };
  });
}
