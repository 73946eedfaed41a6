// Streams open to each server, in this tab and the app's other tabs: a browser opens at most 6 connections
// to one server over HTTP/1.1 (vLLM, SGLang, llama.cpp and Ollama speak HTTP/1.1), so a 7th request waits
// inside the browser, not at the server, and nothing on the wire says so.

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
  /** bumped on every change: what `total` reads, so views that show it follow */
  #version = $state(0);

  constructor(channel: Channel | null = openChannel(), now: () => number = Date.now) {
    this.#channel = channel;
    this.#now = now;
    if (!channel) return;
    channel.onmessage = ({ data }) => this.#receive(data);
    channel.postMessage({ tab: this.#tab, hello: true });
  }

  /** Counts a stream to the server of `baseURL` until the returned function is called. */
  open(baseURL: string): () => void {
    const server = serverOf(baseURL);
    this.#mine.set(server, (this.#mine.get(server) ?? 0) + 1);
    this.#changed();
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      const left = this.#mine.get(server)! - 1;
      if (left) this.#mine.set(server, left);
      else this.#mine.delete(server);
      this.#changed();
    };
  }

  /** Streams open to the server of `baseURL`, in this tab and the others (reactive). */
  total(baseURL: string): number {
    void this.#version;
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
    this.#version++;
  }

  #changed(): void {
    this.#version++;
    this.#announce();
    // while this tab has streams open it says so every few seconds, so that a tab that crashed is forgotten
    // (and looks again at its own count, which drops a tab that stopped saying so)
    if (this.#mine.size && !this.#heartbeat)
      this.#heartbeat = setInterval(() => {
        this.#version++;
        this.#announce();
      }, HEARTBEAT_MS);
    if (!this.#mine.size && this.#heartbeat) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = null;
    }
  }

  #announce(): void {
    this.#channel?.postMessage({ tab: this.#tab, counts: Object.fromEntries(this.#mine) });
  }
}

function openChannel(): Channel | null {
  if (typeof BroadcastChannel !== 'function') return null;
  const channel = new BroadcastChannel('qwen-playground:open-streams') as BroadcastChannel & { unref?: () => void };
  channel.unref?.(); // in Node (tests), an open channel must not keep the process alive
  return channel as unknown as Channel;
}
