// Agent state: every source of tools is ready before the first request, and its tools are offered in it.
import { describe, expect, it } from 'vitest';
import type { AgentTool, ToolSource } from '../agent/tool.ts';
import type { ChatRequest, Engine } from '../engines/types.ts';
import type { StreamEvent } from '../stream/events.ts';
import { Agent } from './agent.svelte.ts';

const request: ChatRequest = { endpoint: { baseURL: 'http://x/v1', dialect: 'vllm' }, model: 'm', messages: [{ role: 'user', content: 'hi' }], thinking: 'default', params: {} };

class Recorder implements Engine {
  requests: ChatRequest[] = [];
  async *stream(req: ChatRequest): AsyncGenerator<StreamEvent> {
    this.requests.push(req);
    yield { type: 'content', text: 'ok', seq: 1, at: 0 };
    yield { type: 'done', finishReason: 'stop', at: 1 };
  }
}

describe('Agent', () => {
  it('waits for every source before the first request, and offers all their tools once', async () => {
    const agent = new Agent();
    agent.builtins.names = ['current_time'];
    let connect: () => void = () => {};
    const remote: AgentTool = { name: 'search', description: 'search the web', parameters: { type: 'object' }, origin: 'http://mcp.example/mcp', run: async () => ({ ok: true, text: '' }) };
    const clash: AgentTool = { ...remote, name: 'current_time' };
    let connected = false;
    const listed = new Promise<void>((resolve) => (connect = () => ((connected = true), resolve())));
    const source: ToolSource = { enabled: () => (connected ? [remote, clash] : []), ready: () => listed };
    agent.register(source);
    agent.setOn(true);
    const engine = new Recorder();
    const events: StreamEvent[] = [];
    const done = (async () => {
      for await (const e of agent.wrap(engine, 'p1').stream(request, new AbortController().signal)) events.push(e);
    })();
    // the loop's code has loaded and the built-ins are ready: only the other source is missing
    await agent.load();
    await agent.builtins.ready();
    await new Promise((r) => setTimeout(r, 50));
    expect(engine.requests).toHaveLength(0);
    connect();
    await done;
    expect(engine.requests[0]!.tools?.map((t) => t.function.name)).toEqual(['current_time', 'search']);
    expect(events.at(-1)?.type).toBe('done');
  }, 30_000);
});
