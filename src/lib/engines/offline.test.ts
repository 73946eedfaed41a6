import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../stream/events.ts';
import { OfflineAware } from './offline.ts';
import type { ChatRequest, Engine } from './types.ts';

const request: ChatRequest = { endpoint: { baseURL: 'https://api.example.org/v1', dialect: 'vllm' }, model: 'm', messages: [{ role: 'user', content: 'hi' }], thinking: 'default', params: {} };

const answering: Engine = {
  async *stream() {
    yield { type: 'content', text: 'hello', at: 1 } as StreamEvent;
    yield { type: 'done', at: 2 } as StreamEvent;
  },
};

async function events(engine: Engine): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of engine.stream(request, new AbortController().signal)) out.push(e);
  return out;
}

describe('a remote engine while offline', () => {
  it('passes requests through while the browser is online', async () => {
    expect((await events(new OfflineAware(answering, () => true))).map((e) => e.type)).toEqual(['content', 'done']);
  });

  it('says the browser is offline at once, naming the server, and sends nothing', async () => {
    let sent = 0;
    const counting: Engine = { stream: (r, s) => (sent++, answering.stream(r, s)) };
    const [event, ...rest] = await events(new OfflineAware(counting, () => false));
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ type: 'error', kind: 'network' });
    expect((event as { message: string }).message).toMatch(/offline.*api\.example\.org/);
    expect(sent).toBe(0);
  });
});
