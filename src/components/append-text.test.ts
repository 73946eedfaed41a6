// @vitest-environment jsdom
// Growing text on screen: only what is new is added, and paragraphs once complete are never touched again.
import { describe, expect, it } from 'vitest';
import { growingParagraphs, growingText } from './append-text.ts';

const TEXT = 'First, the user asks.\nA second line.\n\nThen I check\n\n\nthe numbers.\n\nDone';

function stream(attach: typeof growingText, cuts: number[]) {
  const node = document.createElement('div');
  const frames: Node[][] = [];
  for (const at of cuts) {
    attach(at, (n) => TEXT.slice(n, at))(node);
    frames.push([...node.childNodes]);
  }
  return { node, frames };
}

describe('growing text', () => {
  // cuts fall inside the blank lines too, so a paragraph break arrives in two pieces
  const cuts = [5, 21, 22, 37, 38, 50, 51, 53, 66, 67, TEXT.length];

  it('as one text: the whole text, appended piece by piece', () => {
    expect(stream(growingText, cuts).node.textContent).toBe(TEXT);
  });

  it('in paragraphs: each blank line starts a new <p>, and earlier ones stay the same elements', () => {
    const { node, frames } = stream(growingParagraphs, cuts);
    const paragraphs = [...node.querySelectorAll('p')].map((p) => p.textContent);
    expect(paragraphs).toEqual(['First, the user asks.\nA second line.', 'Then I check', '\nthe numbers.', 'Done']);
    expect(paragraphs.join('\n\n')).toBe(TEXT);
    const final = frames.at(-1)!;
    for (const frame of frames) frame.slice(0, -1).forEach((p, j) => expect(final[j]).toBe(p));
  });

  it('starts over for a shorter text (a new run in the same place)', () => {
    const node = document.createElement('div');
    growingParagraphs(TEXT.length, (n) => TEXT.slice(n))(node);
    growingParagraphs(4, (n) => 'Anew'.slice(n))(node);
    expect([...node.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['Anew']);
  });
});
