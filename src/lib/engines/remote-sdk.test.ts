// The remote engine when the page cannot load its OpenAI client (a dropped connection, a newly published version).
import { describe, expect, it, vi } from 'vitest';
import { RemoteEngine } from './remote.ts';

vi.mock('openai', () => {
  throw new Error('Failed to fetch dynamically imported module: /assets/openai-1234.js');
});

describe('remote engine without its SDK', () => {
  it('answers with a clear error event, every time it is asked, instead of throwing', async () => {
    const engine = new RemoteEngine();
    engine.prepare(); // loading ahead fails quietly: the send reports it
    for (let attempt = 0; attempt < 2; attempt++) {
      const events = [];
      const request = { endpoint: { baseURL: 'http://127.0.0.1:9/v1', dialect: 'vllm' as const }, model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], thinking: 'default' as const, params: {} };
      for await (const e of engine.stream(request, new AbortController().signal)) events.push(e);
      expect(events).toEqual([expect.objectContaining({ type: 'error', kind: 'network', message: expect.stringMatching(/could not load its OpenAI client\. Reload the page/) })]);
      expect(events[0]).toMatchObject({ detail: expect.stringContaining('Failed to fetch dynamically imported module') });
    }
  });
});
