// Attachments that show a growing text by appending only what is new: O(new text) per frame, not O(all).
const shownLength = new WeakMap<Node, number>();

/** `length`: the text's length now (read where the attachment is made, so a longer text runs it again); `textFrom(n)`: the text from character n on. */
export function growingText(length: number, textFrom: (start: number) => string): (node: HTMLElement) => void {
  return (node) => {
    const shown = shownLength.get(node) ?? 0;
    // streamed text only grows; anything else (a new run in the same element) starts over
    if (length >= shown && shown > 0) node.append(textFrom(shown));
    else node.textContent = textFrom(0);
    shownLength.set(node, length);
  };
}

interface Paragraphs {
  shown: number;
  /** the paragraph still growing, and its text */
  last: HTMLElement;
  text: string;
}
const paragraphsOf = new WeakMap<Node, Paragraphs>();

/**
 * The same for text on screen, in paragraphs (split at blank lines, each a `<p>`): the browser lays out
 * only the paragraph that grows. One text node that grows makes it lay out, every frame, all the lines
 * before it: a long reasoning trace then costs more each frame than everything else on the page.
 */
export function growingParagraphs(length: number, textFrom: (start: number) => string): (node: HTMLElement) => void {
  return (node) => {
    let state = paragraphsOf.get(node);
    if (!state || length < state.shown) {
      node.replaceChildren();
      state = { shown: 0, last: node.appendChild(document.createElement('p')), text: '' };
      paragraphsOf.set(node, state);
    }
    const parts = (state.text + textFrom(state.shown)).split('\n\n');
    state.last.textContent = parts[0]!;
    for (const part of parts.slice(1)) {
      state.last = node.appendChild(document.createElement('p'));
      state.last.textContent = part;
    }
    state.text = parts.at(-1)!;
    state.shown = length;
  };
}
