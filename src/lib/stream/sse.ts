// Server-sent events decoder: bytes as they come off the network → whole messages, whatever the read boundaries.

export interface SseMessage {
  /** the `event:` field, null for plain `data:` messages */
  event: string | null;
  data: string;
  /** fields the SSE spec ignores but servers use, e.g. old llama.cpp's `error:` line */
  extra: Record<string, string>;
}

/**
 * Incremental decoder: feed it network reads, get complete messages back.
 * Copes with CRLF, CR or LF line ends, lines and UTF-8 characters split across reads, and `:` comments.
 */
export class SseDecoder {
  #text = new TextDecoder('utf-8');
  #pending = '';
  #skipLf = false;
  #event: string | null = null;
  #data: string[] = [];
  #extra: Record<string, string> = {};
  #hasFields = false;
  /** comment lines seen (keep-alive pings) */
  comments = 0;

  push(bytes: Uint8Array): SseMessage[] {
    return this.#lines(this.#text.decode(bytes, { stream: true }));
  }

  /** Call when the body ends: a message not closed by a blank line is still delivered. */
  end(): SseMessage[] {
    const out = this.#lines(this.#text.decode());
    if (this.#pending) {
      this.#line(this.#pending, out);
      this.#pending = '';
    }
    this.#dispatch(out);
    return out;
  }

  #lines(chunk: string): SseMessage[] {
    const out: SseMessage[] = [];
    // an empty read must not forget a CR that may pair with the next read's LF
    if (chunk === '') return out;
    let text = chunk;
    if (this.#skipLf && text.startsWith('\n')) text = text.slice(1);
    this.#skipLf = false;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.#pending + text.slice(start, i);
      this.#pending = '';
      this.#line(line, out);
      if (c === 13) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else this.#skipLf = true; // a CR at the end of a read: its LF may open the next one
      }
      start = i + 1;
    }
    this.#pending += text.slice(start);
    return out;
  }

  #line(line: string, out: SseMessage[]): void {
    if (line === '') return this.#dispatch(out);
    if (line.startsWith(':')) {
      this.comments++;
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    this.#hasFields = true;
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field !== 'id' && field !== 'retry') this.#extra[field] = value;
  }

  #dispatch(out: SseMessage[]): void {
    if (this.#hasFields) out.push({ event: this.#event, data: this.#data.join('\n'), extra: this.#extra });
    this.#event = null;
    this.#data = [];
    this.#extra = {};
    this.#hasFields = false;
  }
}
