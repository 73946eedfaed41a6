// An attachment that shows a growing text by appending only what is new: O(new text) per frame, not O(all).
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
