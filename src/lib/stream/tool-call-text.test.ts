// ToolCallTextExtractor: Qwen <tool_call> blocks found in streamed text, cut anywhere, with text around them kept.
import { describe, expect, it } from 'vitest';
import { ToolCallTextExtractor, type TextPiece } from './tool-call-text.ts';

/** Feeds the chunks, ends, and merges neighbouring content pieces so that results of different cuts compare. */
function run(chunks: string[]): TextPiece[] {
  const extractor = new ToolCallTextExtractor();
  const raw: TextPiece[] = [];
  for (const chunk of chunks) raw.push(...extractor.push(chunk));
  raw.push(...extractor.end());
  const out: TextPiece[] = [];
  for (const piece of raw) {
    const last = out.at(-1);
    if (piece.kind === 'content' && last?.kind === 'content') last.text += piece.text;
    else out.push({ ...piece });
  }
  return out;
}

/** Every way of cutting `text` in two. */
function twoCuts(text: string): string[][] {
  return Array.from({ length: text.length + 1 }, (_, k) => [text.slice(0, k), text.slice(k)]);
}

const chars = (text: string) => [...text];
const call = (name: string, args: string): TextPiece => ({ kind: 'tool-call', name, arguments: args });
const text = (t: string): TextPiece => ({ kind: 'content', text: t });

const WEATHER = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>';
const TIME = '<tool_call>\n{"name": "get_time", "arguments": {"tz": "CET"}}\n</tool_call>';

describe('ToolCallTextExtractor', () => {
  it('turns one block into a tool call with its arguments as a JSON string', () => {
    expect(run([WEATHER])).toStrictEqual([call('get_weather', '{"city":"Paris"}')]);
  });

  it('keeps text before and after a block, eating the one newline on each side of it', () => {
    expect(run([`Let me check.\n${WEATHER}\nDone.`])).toStrictEqual([text('Let me check.'), call('get_weather', '{"city":"Paris"}'), text('Done.')]);
  });

  it('eats only one newline on each side of a block', () => {
    expect(run([`Before\n\n${WEATHER}\n\nAfter`])).toStrictEqual([text('Before\n'), call('get_weather', '{"city":"Paris"}'), text('\nAfter')]);
  });

  it('gives the same result whatever the single split point', () => {
    const whole = `Let me check.\n${WEATHER}\nDone.`;
    const expected = [text('Let me check.'), call('get_weather', '{"city":"Paris"}'), text('Done.')];
    for (const chunks of twoCuts(whole)) expect(run(chunks), JSON.stringify(chunks)).toStrictEqual(expected);
  });

  it('gives the same result fed one character at a time', () => {
    expect(run(chars(`Let me check.\n${WEATHER}\nDone.`))).toStrictEqual([text('Let me check.'), call('get_weather', '{"city":"Paris"}'), text('Done.')]);
  });

  it('eats the newline after </tool_call> when it comes as its own chunk (the tokenizer sends them apart)', () => {
    expect(run(['Hi\n', WEATHER, '\n', 'Done.'])).toStrictEqual([text('Hi'), call('get_weather', '{"city":"Paris"}'), text('Done.')]);
  });

  it('finds two blocks back to back as two calls in order', () => {
    const whole = `${WEATHER}\n${TIME}`;
    const expected = [call('get_weather', '{"city":"Paris"}'), call('get_time', '{"tz":"CET"}')];
    expect(run([whole])).toStrictEqual(expected);
    for (const chunks of twoCuts(whole)) expect(run(chunks), JSON.stringify(chunks)).toStrictEqual(expected);
    expect(run(chars(whole))).toStrictEqual(expected);
  });

  it('keeps a block with invalid JSON as content, tags included', () => {
    const whole = 'see <tool_call>{"name": "x", oops}</tool_call> here';
    expect(run([whole])).toStrictEqual([text(whole)]);
    expect(run(chars(whole))).toStrictEqual([text(whole)]);
  });

  const NOT_CALLS: Array<{ name: string; body: string }> = [
    { name: 'no name', body: '{"arguments": {}}' },
    { name: 'an empty name', body: '{"name": "", "arguments": {}}' },
    { name: 'a name that is not a string', body: '{"name": 3}' },
    { name: 'JSON null', body: 'null' },
    { name: 'an empty body', body: '' },
  ];
  for (const { name, body } of NOT_CALLS) {
    it(`keeps a block with ${name} as content`, () => {
      const whole = `<tool_call>${body}</tool_call>`;
      expect(run([whole])).toStrictEqual([text(whole)]);
    });
  }

  it('returns an unclosed block at the end as text, <tool_call> included', () => {
    const extractor = new ToolCallTextExtractor();
    expect(extractor.push('Sure: <tool_call>\n{"name": "get_weather", "argu')).toStrictEqual([text('Sure: ')]);
    expect(extractor.end()).toStrictEqual([text('<tool_call>\n{"name": "get_weather", "argu')]);
  });

  it('returns a partial opening tag at the end as text', () => {
    const extractor = new ToolCallTextExtractor();
    expect(extractor.push('Sure <tool_c')).toStrictEqual([text('Sure ')]);
    expect(extractor.end()).toStrictEqual([text('<tool_c')]);
  });

  it('holds a trailing newline back until it is known not to open a block', () => {
    const extractor = new ToolCallTextExtractor();
    expect(extractor.push('line 1\n')).toStrictEqual([text('line 1')]);
    expect(extractor.push('line 2')).toStrictEqual([text('\nline 2')]);
    expect(extractor.end()).toStrictEqual([]);
  });

  it('turns object arguments into a JSON string', () => {
    const block = '<tool_call>{"name": "f", "arguments": {"a": 1, "b": [true, null], "c": {"d": "é"}}}</tool_call>';
    expect(run([block])).toStrictEqual([call('f', '{"a":1,"b":[true,null],"c":{"d":"é"}}')]);
  });

  it('keeps string arguments exactly as given', () => {
    const block = '<tool_call>{"name": "f", "arguments": "{\\"a\\": 1}"}</tool_call>';
    expect(run([block])).toStrictEqual([call('f', '{"a": 1}')]);
  });

  it('gives {} for missing arguments', () => {
    expect(run(['<tool_call>{"name": "f"}</tool_call>'])).toStrictEqual([call('f', '{}')]);
  });

  it('leaves text without blocks alone', () => {
    expect(run(['a < b and </tool_call> is not an opening'])).toStrictEqual([text('a < b and </tool_call> is not an opening')]);
  });
});
