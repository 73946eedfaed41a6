// Streams open to each server, in this tab and the app's other tabs: a browser opens at most 6 connections
// to one server over HTTP/1.1 (vLLM, SGLang, llama.cpp and Ollama speak HTTP/1.1), so a 7th request waits
// inside the browser, not at the server, and nothing on the wire says so.
import type { StreamEvent } from '../stream/events.ts';

/** Chromium's, Firefox's and Safari's limit of HTTP/1.1 connections to one host. */
export const CONNECTIONS_PER_SERVER = 6;

/** What a tab tells the others: its open streams per server, whenever they change and every few seconds. */
type Message = { tab: string; counts: Record<string, number> } | { tab: string; hello: true } | { tab: string; bye: true };

/** The part of BroadcastChannel used here (a test passes its own). */
export interface Channel {
  postMessage(message: Message): void;
  onmessage: ((event: MessageEvent<Message>) => void) | null;
}

const HEARTBEAT_MS = 2000;
/** a tab not heard from for this long crashed or froze: its streams no longer count */
const FORGET_MS = 3 * HEARTBEAT_MS;

/** The server a base URL points at, as the browser pools connections: scheme, host and port. */
export function serverOf(baseURL: string): string {
  try {
    return new URL(baseURL).origin;
  } catch {
    return baseURL;
  }
}

export class OpenStreams {
  readonly #tab = Math.random().toString(36).slice(2);
  readonly #channel: Channel | null;
  readonly #now: () => number;
  readonly #mine = new Map<string, number>();
  readonly #others = new Map<string, { counts: Record<string, number>; heardAt: number }>();
  #heartbeat: ReturnType<typeof setInterval> | null = null;

  /** `channel`: where the app's tabs talk (`tabsChannel()`); without one it counts this tab's streams alone. */
  constructor(channel: Channel | null = null, now: () => number = Date.now) {
    this.#channel = channel;
    this.#now = now;
    if (!channel) return;
    channel.onmessage = ({ data }) => this.#receive(data);
    channel.postMessage({ tab: this.#tab, hello: true });
  }

  /**
   * Counts a stream to the server of `baseURL` until `close` is called. `ahead`: the streams already open
   * to that server, here and in other tabs, when this one went out (from 6 on, it waits in the browser).
   */
  open(baseURL: string): { ahead: number; close: () => void } {
    const ahead = this.total(baseURL);
    const server = serverOf(baseURL);
    this.#mine.set(server, (this.#mine.get(server) ?? 0) + 1);
    this.#changed();
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      const left = this.#mine.get(server)! - 1;
      if (left) this.#mine.set(server, left);
      else this.#mine.delete(server);
      this.#changed();
    };
    return { ahead, close };
  }

  /** Streams open to the server of `baseURL`, in this tab and the others. */
  total(baseURL: string): number {
    const server = serverOf(baseURL);
    const cutoff = this.#now() - FORGET_MS;
    let n = this.#mine.get(server) ?? 0;
    for (const { counts, heardAt } of this.#others.values()) if (heardAt >= cutoff) n += counts[server] ?? 0;
    return n;
  }

  /** The page is going away: the other tabs stop counting its streams at once. */
  goodbye(): void {
    this.#channel?.postMessage({ tab: this.#tab, bye: true });
  }

  #receive(message: Message): void {
    if ('hello' in message) return this.#announce();
    if ('bye' in message) this.#others.delete(message.tab);
    else if (Object.keys(message.counts).length) this.#others.set(message.tab, { counts: message.counts, heardAt: this.#now() });
    else this.#others.delete(message.tab);
  }

  #changed(): void {
    this.#announce();
    // while this tab has streams open it says so every few seconds, so that a tab that crashed is forgotten
    if (this.#mine.size && !this.#heartbeat) this.#heartbeat = setInterval(() => this.#announce(), HEARTBEAT_MS);
    if (!this.#mine.size && this.#heartbeat) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = null;
    }
  }

  #announce(): void {
    this.#channel?.postMessage({ tab: this.#tab, counts: Object.fromEntries(this.#mine) });
  }
}

/**
 * The note a run gets when it went out behind `ahead` open streams to its server. Over plain http the
 * browser speaks HTTP/1.1, so the request did wait; over https the server may speak HTTP/2, with no such limit.
 */
export function waitedInBrowser(baseURL: string, ahead: number, at: number): Extract<StreamEvent, { type: 'warning' }> {
  const server = serverOf(baseURL);
  const waited = server.startsWith('http:') ? 'so this request waited in the browser' : 'so if this server speaks HTTP/1.1, this request waited in the browser';
  return {
    type: 'warning',
    message:
      `Sent while ${ahead} other requests to ${server} were open in this and other tabs. A browser opens at most ${CONNECTIONS_PER_SERVER} ` +
      `connections to one server over HTTP/1.1, ${waited} until one of them ended, and its time to first token includes that wait. ` +
      'Stop an answer, or use an HTTP/2 endpoint, to run them all at once.',
    at,
  };
}

/** The channel the app's tabs share, where the browser has BroadcastChannel. */
export function tabsChannel(): Channel | null {
  if (typeof BroadcastChannel !== 'function') return null;
  return new BroadcastChannel('qwen-playground:open-streams') as unknown as Channel;
}
