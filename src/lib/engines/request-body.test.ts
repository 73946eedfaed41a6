// requestBody: usage options, extra sampling fields, the thinking switch (template kwargs or Ollama's soft switch) and tools, per dialect.
import { describe, expect, it } from 'vitest';
import { SERVER_DIALECT_IDS, type ServerDialectId } from '../stream/dialects.ts';
import { requestBody } from './request-body.ts';
import type { ChatMessage, ChatRequest, ThinkingChoice, ToolSpec } from './types.ts';

const SWITCHABLE = 'Qwen/Qwen3-8B';
const THINKING = 'Qwen/Qwen3-235B-A22B-Thinking-2507';
const INSTRUCT = 'Qwen/Qwen3-235B-A22B-Instruct-2507';

const USER: ChatMessage[] = [{ role: 'user', content: 'Hi' }];

function request(dialect: ServerDialectId, over: Partial<ChatRequest> = {}): ChatRequest {
  return {
    endpoint: { baseURL: 'http://localhost:8000/v1', dialect },
    model: SWITCHABLE,
    messages: USER,
    thinking: 'default',
    params: {},
    ...over,
  };
}

const WEATHER: ToolSpec = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

describe('requestBody basics', () => {
  for (const dialect of SERVER_DIALECT_IDS) {
    it(`${dialect}: always streams and asks for usage`, () => {
      const body = requestBody(request(dialect));
      expect(body.stream).toBe(true);
      expect(body.model).toBe(SWITCHABLE);
      expect((body.stream_options as Record<string, unknown>).include_usage).toBe(true);
    });
  }

  const CONTINUOUS: Record<ServerDialectId, boolean> = { vllm: true, 'vllm-0.11': true, sglang: false, nim: false, llamacpp: false, ollama: false, raw: false };
  for (const dialect of SERVER_DIALECT_IDS) {
    it(`${dialect}: ${CONTINUOUS[dialect] ? 'asks' : 'does not ask'} for continuous usage stats`, () => {
      expect(requestBody(request(dialect)).stream_options).toStrictEqual(
        CONTINUOUS[dialect] ? { include_usage: true, continuous_usage_stats: true } : { include_usage: true },
      );
    });
  }

  it('builds exactly model, messages, stream and stream_options when nothing else is set', () => {
    expect(requestBody(request('sglang'))).toStrictEqual({ model: SWITCHABLE, messages: USER, stream: true, stream_options: { include_usage: true } });
  });
});

describe('requestBody sampling parameters', () => {
  const EXTRA: Record<ServerDialectId, boolean> = { vllm: true, 'vllm-0.11': true, sglang: true, nim: false, llamacpp: true, ollama: false, raw: false };
  for (const dialect of SERVER_DIALECT_IDS) {
    it(`${dialect}: ${EXTRA[dialect] ? 'sends' : 'leaves out'} top_k, min_p and repetition_penalty`, () => {
      const body = requestBody(request(dialect, { params: { temperature: 0.6, top_p: 0.95, top_k: 20, min_p: 0, repetition_penalty: 1.05 } }));
      const { model: _m, messages: _s, stream: _t, stream_options: _o, ...rest } = body;
      expect(rest).toStrictEqual(EXTRA[dialect] ? { temperature: 0.6, top_p: 0.95, top_k: 20, min_p: 0, repetition_penalty: 1.05 } : { temperature: 0.6, top_p: 0.95 });
    });
  }

  it('sends every standard parameter that is set', () => {
    const params = { temperature: 0.7, top_p: 0.8, max_tokens: 512, seed: 42, stop: ['</answer>'], presence_penalty: 1.5 };
    const body = requestBody(request('nim', { params }));
    expect(body).toStrictEqual({ model: SWITCHABLE, messages: USER, stream: true, stream_options: { include_usage: true }, ...params });
  });

  it('leaves out parameters that are undefined, extra ones included', () => {
    const body = requestBody(request('vllm', { params: { temperature: 0, top_p: undefined, max_tokens: undefined, top_k: undefined, min_p: 0.05 } }));
    expect(Object.keys(body).sort()).toStrictEqual(['messages', 'min_p', 'model', 'stream', 'stream_options', 'temperature']);
    expect(body.temperature).toBe(0);
    expect(body.min_p).toBe(0.05);
  });

  it('leaves out an empty stop list and keeps a non-empty one', () => {
    expect('stop' in requestBody(request('vllm', { params: { stop: [] } }))).toBe(false);
    expect(requestBody(request('vllm', { params: { stop: ['\n\n'] } })).stop).toStrictEqual(['\n\n']);
  });
});

describe('requestBody thinking switch with chat_template_kwargs', () => {
  const KWARGS_DIALECTS: ServerDialectId[] = ['vllm', 'vllm-0.11', 'sglang', 'nim', 'llamacpp', 'raw'];
  for (const dialect of KWARGS_DIALECTS) {
    for (const thinking of ['on', 'off'] as const) {
      it(`${dialect}: sets enable_thinking ${thinking === 'on'} for a switchable model with thinking ${thinking}, messages untouched`, () => {
        const body = requestBody(request(dialect, { thinking }));
        expect(body.chat_template_kwargs).toStrictEqual({ enable_thinking: thinking === 'on' });
        expect(body.messages).toStrictEqual(USER);
      });
    }
  }

  const NO_KWARGS: Array<{ model: string; thinking: ThinkingChoice }> = [
    { model: SWITCHABLE, thinking: 'default' },
    { model: THINKING, thinking: 'on' },
    { model: THINKING, thinking: 'off' },
    { model: INSTRUCT, thinking: 'on' },
    { model: INSTRUCT, thinking: 'off' },
    { model: 'qwen/qwen3-next-80b-a3b-thinking', thinking: 'off' },
    { model: 'qwen/qwen3-next-80b-a3b-instruct', thinking: 'on' },
  ];
  for (const dialect of KWARGS_DIALECTS) {
    for (const { model, thinking } of NO_KWARGS) {
      it(`${dialect}: sends no chat_template_kwargs for ${model} with thinking ${thinking}`, () => {
        const body = requestBody(request(dialect, { model, thinking }));
        expect('chat_template_kwargs' in body).toBe(false);
        expect(body.messages).toStrictEqual(USER);
      });
    }
  }
});

describe('requestBody thinking switch on Ollama', () => {
  const CONVERSATION: ChatMessage[] = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'First question' },
    { role: 'assistant', content: 'First answer' },
    { role: 'user', content: 'Second question' },
    { role: 'assistant', content: '' },
  ];

  for (const [thinking, suffix] of [
    ['on', ' /think'],
    ['off', ' /no_think'],
  ] as const) {
    it(`appends "${suffix}" to the last user message only, for thinking ${thinking}`, () => {
      const before = structuredClone(CONVERSATION);
      const body = requestBody(request('ollama', { model: 'qwen3:8b', messages: CONVERSATION, thinking }));
      expect(body.messages).toStrictEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'First question' },
        { role: 'assistant', content: 'First answer' },
        { role: 'user', content: `Second question${suffix}` },
        { role: 'assistant', content: '' },
      ]);
      expect('chat_template_kwargs' in body).toBe(false);
      expect(CONVERSATION).toStrictEqual(before);
    });
  }

  const UNTOUCHED: Array<{ model: string; thinking: ThinkingChoice }> = [
    { model: 'qwen3:8b', thinking: 'default' },
    { model: 'qwen3:30b-a3b-thinking-2507', thinking: 'off' },
    { model: 'qwen3:30b-a3b-instruct-2507', thinking: 'on' },
  ];
  for (const { model, thinking } of UNTOUCHED) {
    it(`leaves the messages alone for ${model} with thinking ${thinking}`, () => {
      const body = requestBody(request('ollama', { model, messages: CONVERSATION, thinking }));
      expect(body.messages).toStrictEqual(CONVERSATION);
      expect('chat_template_kwargs' in body).toBe(false);
    });
  }

  it('changes nothing when there is no user message', () => {
    const system: ChatMessage[] = [{ role: 'system', content: 'Be brief.' }];
    expect(requestBody(request('ollama', { messages: system, thinking: 'on' })).messages).toStrictEqual(system);
  });
});

describe('requestBody tools', () => {
  for (const dialect of SERVER_DIALECT_IDS) {
    it(`${dialect}: passes tools through when there are some`, () => {
      expect(requestBody(request(dialect, { tools: [WEATHER] })).tools).toStrictEqual([WEATHER]);
    });
  }

  it('leaves tools out when the list is empty or missing', () => {
    expect('tools' in requestBody(request('vllm', { tools: [] }))).toBe(false);
    expect('tools' in requestBody(request('vllm'))).toBe(false);
  });

  it('sends tool_choice only with tools and only when it is not auto (a vLLM without a tool parser refuses auto said aloud)', () => {
    expect(requestBody(request('vllm', { tools: [WEATHER], toolChoice: 'required' })).tool_choice).toBe('required');
    expect(requestBody(request('vllm', { tools: [WEATHER], toolChoice: { name: 'get_weather' } })).tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect('tool_choice' in requestBody(request('vllm', { tools: [WEATHER], toolChoice: 'auto' }))).toBe(false);
    expect('tool_choice' in requestBody(request('vllm', { toolChoice: 'required' }))).toBe(false);
  });

  it('sends the assistant calls of an agent turn and tool results, but not its reasoning', () => {
    const messages: ChatMessage[] = [
      ...USER,
      { role: 'assistant', content: '', reasoning: 'think', tool_calls: [{ id: 'a', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'a', content: 'sunny' },
    ];
    expect(requestBody(request('vllm', { messages, tools: [WEATHER] })).messages).toEqual([
      ...USER,
      { role: 'assistant', content: '', tool_calls: [{ id: 'a', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'a', content: 'sunny' },
    ]);
  });
});
