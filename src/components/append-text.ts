// An attachment that shows a growing text by appending only what is new: O(new text) per frame, not O(all).
const shownLength = new WeakMap<Node, number>();

export function appendText(text: string): (node: HTMLElement) => void {
  return (node) => {
    const shown = shownLength.get(node) ?? 0;
    // streamed text only grows; anything else (a new run in the same element) starts over
    if (text.length >= shown && shown > 0) node.append(text.slice(shown));
    else node.textContent = text;
    shownLength.set(node, text.length);
  };
}
