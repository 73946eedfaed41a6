import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpenStreams, serverOf, waitedInBrowser, type Channel } from './open-streams.ts';

let n = 0;
const channels: BroadcastChannel[] = [];
/** tabs of one browser: their channels share a name */
function tabs(count: number, now?: () => number): OpenStreams[] {
  const name = `streams-${n++}`;
  return Array.from({ length: count }, () => {
    const channel = new BroadcastChannel(name);
    channels.push(channel);
    return new OpenStreams(channel as unknown as Channel, now);
  });
}
const closers: Array<() => void> = [];
const open = (tab: OpenStreams, baseURL: string, times = 1) => {
  for (let i = 0; i < times; i++) closers.push(tab.open(baseURL).close);
};

afterEach(() => {
  closers.splice(0).forEach((close) => close()); // stops the heartbeats
  channels.splice(0).forEach((c) => c.close());
});

describe('OpenStreams', () => {
  it('counts streams per server as the browser pools connections: scheme, host and port', () => {
    const [tab] = tabs(1);
    open(tab!, 'http://127.0.0.1:8000/v1', 2);
    open(tab!, 'http://127.0.0.1:8000/other/v1');
    open(tab!, 'http://127.0.0.1:8001/v1');
    expect(tab!.total('http://127.0.0.1:8000/anything')).toBe(3);
    expect(tab!.total('http://127.0.0.1:8001/v1')).toBe(1);
    expect(serverOf('https://integrate.api.nvidia.com/v1')).toBe('https://integrate.api.nvidia.com');
  });

  it('a stream that ends stops counting, once however often it is closed', () => {
    const [tab] = tabs(1);
    const { close } = tab!.open('http://h:1/v1');
    open(tab!, 'http://h:1/v1');
    close();
    close();
    expect(tab!.total('http://h:1/v1')).toBe(1);
  });

  it("adds the other tabs' streams, and forgets a tab that says goodbye", async () => {
    const [a, b] = tabs(2);
    open(a!, 'http://h:1/v1', 4);
    await vi.waitFor(() => expect(b!.total('http://h:1')).toBe(4));
    // each new stream learns how many were open before it: the 7th goes out behind 6
    expect([0, 1, 2].map(() => b!.open('http://h:1/v1')).map((s) => (closers.push(s.close), s.ahead))).toEqual([4, 5, 6]);
    await vi.waitFor(() => expect([a!.total('http://h:1'), b!.total('http://h:1')]).toEqual([7, 7]));
    a!.goodbye();
    await vi.waitFor(() => expect(b!.total('http://h:1')).toBe(3));
  });

  it('a tab opened later learns what the others have open', async () => {
    const [a] = tabs(1);
    open(a!, 'http://h:1/v1', 5);
    const name = `streams-${n - 1}`;
    const channel = new BroadcastChannel(name);
    channels.push(channel);
    const late = new OpenStreams(channel as unknown as Channel);
    await vi.waitFor(() => expect(late.total('http://h:1')).toBe(5));
  });

  it('streams of a tab not heard from for several seconds (it crashed) no longer count', async () => {
    let clock = 0;
    const [a, b] = tabs(2, () => clock);
    open(a!, 'http://h:1/v1', 2);
    await vi.waitFor(() => expect(b!.total('http://h:1')).toBe(2));
    clock += 5_000;
    expect(b!.total('http://h:1')).toBe(2);
    clock += 2_000;
    expect(b!.total('http://h:1')).toBe(0);
  });

  it('the note for a request sent behind the limit: certain over http, conditional over https', () => {
    expect(waitedInBrowser('http://127.0.0.1:8000/v1', 6, 5).message).toBe(
      'Sent while 6 other requests to http://127.0.0.1:8000 were open in this and other tabs. A browser opens at most 6 connections to one server over HTTP/1.1, ' +
        'so this request waited in the browser until one of them ended, and its time to first token includes that wait. Stop an answer, or use an HTTP/2 endpoint, to run them all at once.',
    );
    expect(waitedInBrowser('https://nim.example/v1', 7, 5).message).toContain('so if this server speaks HTTP/1.1, this request waited in the browser');
  });

  it('without BroadcastChannel it counts this tab alone', () => {
    const tab = new OpenStreams(null);
    closers.push(tab.open('http://h:1/v1').close);
    expect(tab.total('http://h:1/v1')).toBe(1);
  });
});
