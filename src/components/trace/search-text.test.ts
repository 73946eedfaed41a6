// Searching a reasoning trace that grows: matches marked per paragraph, and unchanged paragraphs kept as they are.
import { describe, expect, it } from 'vitest';
import { markMatches, searchParagraphs } from './search-text.ts';

describe('search text', () => {
  it('marks every match, whatever its case, keeping the text as written', () => {
    expect(markMatches('The theme is the thing', 'the')).toEqual([
      { text: '', hit: false },
      { text: 'The', hit: true },
      { text: ' ', hit: false },
      { text: 'the', hit: true },
      { text: 'me is ', hit: false },
      { text: 'the', hit: true },
      { text: ' thing', hit: false },
    ]);
    expect(markMatches('nothing here', 'zzz')).toEqual([{ text: 'nothing here', hit: false }]);
  });

  it('splits at blank lines and counts the matches of each paragraph', () => {
    const found = searchParagraphs('the user asks\nthe second line\n\nThen I check the numbers', 'the');
    expect(found.map((p) => [p.text, p.hits])).toEqual([
      ['the user asks\nthe second line', 2],
      ['Then I check the numbers', 2],
    ]);
    expect(found.flatMap((p) => p.parts.map((part) => part.text)).join('')).toBe('the user asks\nthe second lineThen I check the numbers');
  });

  it('as the text grows, hands back the paragraphs that did not change as the same objects', () => {
    const first = searchParagraphs('One the.\n\nTwo th', 'the');
    const second = searchParagraphs('One the.\n\nTwo the end', 'the', first);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(second.map((p) => p.hits)).toEqual([1, 1]);
    // another search starts over
    const other = searchParagraphs('One the.\n\nTwo the end', 'one', []);
    expect(other[0]).not.toBe(second[0]);
    expect(other.map((p) => p.hits)).toEqual([1, 0]);
  });
});
