// SseDecoder: line ends, reads split anywhere (CRLF and UTF-8 included), fields, comments and the end of the body.
import { describe, expect, it } from 'vitest';
import { SseDecoder, type SseMessage } from './sse.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds each read in turn, then ends the body; returns every message and the decoder. */
function decode(reads: Array<string | Uint8Array>): { messages: SseMessage[]; decoder: SseDecoder } {
  const decoder = new SseDecoder();
  const messages: SseMessage[] = [];
  for (const read of reads) messages.push(...decoder.push(typeof read === 'string' ? bytes(read) : read));
  messages.push(...decoder.end());
  return { messages, decoder };
}

/** Every byte its own read. */
function byteByByte(text: string): Uint8Array[] {
  const all = bytes(text);
  return Array.from(all, (_, i) => all.subarray(i, i + 1));
}

const msg = (data: string, event: string | null = null, extra: Record<string, string> = {}): SseMessage => ({ event, data, extra });

describe('SseDecoder line ends', () => {
  const CASES: Array<{ name: string; text: string }> = [
    { name: 'LF', text: 'data: a\n\ndata: b\n\n' },
    { name: 'CRLF', text: 'data: a\r\n\r\ndata: b\r\n\r\n' },
    { name: 'lone CR', text: 'data: a\r\rdata: b\r\r' },
    { name: 'mixed', text: 'data: a\r\n\ndata: b\r\r\n' },
  ];

  for (const { name, text } of CASES) {
    it(`splits messages on ${name} line ends, read whole`, () => {
      expect(decode([text]).messages).toStrictEqual([msg('a'), msg('b')]);
    });

    it(`splits messages on ${name} line ends, read byte by byte`, () => {
      expect(decode(byteByByte(text)).messages).toStrictEqual([msg('a'), msg('b')]);
    });

    it(`splits messages on ${name} line ends, whatever the single split point`, () => {
      const all = bytes(text);
      for (let k = 0; k <= all.length; k++) {
        expect(decode([all.subarray(0, k), all.subarray(k)]).messages, `split at ${k}`).toStrictEqual([msg('a'), msg('b')]);
      }
    });
  }

  it('does not see an extra empty line when a CRLF is split between two reads', () => {
    // were the LF taken as a second line end, the blank line would cut the message in two
    expect(decode(['data: a\r', '\ndata: b\r\n\r\n']).messages).toStrictEqual([msg('a\nb')]);
  });

  it('does not deliver a message twice when the closing CRLF is split between two reads', () => {
    const decoder = new SseDecoder();
    expect(decoder.push(bytes('data: a\r\n\r'))).toStrictEqual([msg('a')]);
    expect(decoder.push(bytes('\n'))).toStrictEqual([]);
    expect(decoder.push(bytes('data: b\r\n\r\n'))).toStrictEqual([msg('b')]);
    expect(decoder.end()).toStrictEqual([]);
  });

  it('still pairs a split CRLF when an empty read comes between the CR and the LF', () => {
    expect(decode(['data: a\r', new Uint8Array(0), '\ndata: b\r\n\r\n']).messages).toStrictEqual([msg('a\nb')]);
  });

  it('treats a CR followed by a CR in the next read as two line ends', () => {
    expect(decode(['data: a\r', '\rdata: b\r\r']).messages).toStrictEqual([msg('a'), msg('b')]);
  });
});

describe('SseDecoder fields', () => {
  it('joins several data lines of one message with \\n', () => {
    expect(decode(['data: a\ndata: b\ndata:\ndata: c\n\n']).messages).toStrictEqual([msg('a\nb\n\nc')]);
  });

  it('takes the value with or without the single space after the colon, and removes only one space', () => {
    expect(decode(['data:a\n\ndata: a\n\ndata:  a\n\n']).messages).toStrictEqual([msg('a'), msg('a'), msg(' a')]);
  });

  it('keeps colons inside the value', () => {
    expect(decode(['data: {"a":"b:c"}\n\n']).messages).toStrictEqual([msg('{"a":"b:c"}')]);
  });

  it('captures `event: error` and forgets the event name after the message', () => {
    const text = 'event: error\ndata: {"error":{"message":"boom"}}\n\ndata: next\n\n';
    expect(decode([text]).messages).toStrictEqual([msg('{"error":{"message":"boom"}}', 'error'), msg('next')]);
  });

  it('puts unknown fields such as old llama.cpp `error:` lines in extra, with empty data', () => {
    const text = 'error: {"code":500,"message":"model crashed"}\n\n';
    expect(decode([text]).messages).toStrictEqual([msg('', null, { error: '{"code":500,"message":"model crashed"}' })]);
  });

  it('forgets extra fields after the message', () => {
    expect(decode(['error: x\ndata: 1\n\ndata: 2\n\n']).messages).toStrictEqual([msg('1', null, { error: 'x' }), msg('2')]);
  });

  it('ignores id and retry fields', () => {
    expect(decode(['id: 42\nretry: 1000\ndata: a\n\n']).messages).toStrictEqual([msg('a')]);
  });

  it('reads a line with no colon as a field with an empty value', () => {
    expect(decode(['data\n\n']).messages).toStrictEqual([msg('')]);
    expect(decode(['foo\ndata: x\n\n']).messages).toStrictEqual([msg('x', null, { foo: '' })]);
    expect(decode(['event\ndata: x\n\n']).messages).toStrictEqual([msg('x', '')]);
  });
});

describe('SseDecoder comments and blank lines', () => {
  it('counts `:` comments and makes no message of them', () => {
    const { messages, decoder } = decode([': ping\n\n:\n\n: keep-alive\r\n\r\n']);
    expect(messages).toStrictEqual([]);
    expect(decoder.comments).toBe(3);
  });

  it('skips a comment inside a message without cutting it', () => {
    const { messages, decoder } = decode(['data: a\n: ping\ndata: b\n\n']);
    expect(messages).toStrictEqual([msg('a\nb')]);
    expect(decoder.comments).toBe(1);
  });

  it('makes no message of blank lines alone', () => {
    const { messages, decoder } = decode(['\n\n\r\n\r\r\n\n']);
    expect(messages).toStrictEqual([]);
    expect(decoder.comments).toBe(0);
  });
});

describe('SseDecoder UTF-8', () => {
  it('rebuilds multi-byte characters split byte by byte across reads', () => {
    const text = 'data: {"content":"你好 🚀 é"}\n\n';
    expect(decode(byteByByte(text)).messages).toStrictEqual([msg('{"content":"你好 🚀 é"}')]);
  });

  it('returns nothing while a message is still open, then the whole message at the blank line', () => {
    const decoder = new SseDecoder();
    const all = bytes('data: 🚀\n\n');
    const seen: SseMessage[][] = [];
    for (let i = 0; i < all.length; i++) seen.push(decoder.push(all.subarray(i, i + 1)));
    expect(seen.slice(0, -1).every((out) => out.length === 0)).toBe(true);
    expect(seen.at(-1)).toStrictEqual([msg('🚀')]);
    expect(decoder.end()).toStrictEqual([]);
  });
});

describe('SseDecoder end()', () => {
  it('delivers a last message not closed by a blank line', () => {
    expect(decode(['data: a\n\ndata: tail']).messages).toStrictEqual([msg('a'), msg('tail')]);
  });

  it('delivers a last message closed by one line end only', () => {
    const decoder = new SseDecoder();
    expect(decoder.push(bytes('data: tail\r\n'))).toStrictEqual([]);
    expect(decoder.end()).toStrictEqual([msg('tail')]);
  });

  it('delivers a last message whose final read ended in a CR', () => {
    const decoder = new SseDecoder();
    expect(decoder.push(bytes('data: tail\r'))).toStrictEqual([]);
    expect(decoder.end()).toStrictEqual([msg('tail')]);
  });

  it('returns nothing at the end when every message was closed', () => {
    const decoder = new SseDecoder();
    expect(decoder.push(bytes('data: a\n\n'))).toStrictEqual([msg('a')]);
    expect(decoder.end()).toStrictEqual([]);
  });
});
