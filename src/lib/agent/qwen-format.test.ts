import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../engines/types.ts';
import { qwenToolMessages } from './qwen-format.ts';

const call = (id: string, name: string, args: string) => ({ id, type: 'function' as const, function: { name, arguments: args } });

describe("Qwen3's tool format", () => {
  it('puts parallel calls in one assistant turn and their results in one user turn, in order', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'Let me see.', tool_calls: [call('a', 'calculator', '{"expression":"1+1"}'), call('b', 'current_time', '')] },
      { role: 'tool', tool_call_id: 'a', content: '2' },
      { role: 'tool', tool_call_id: 'b', content: 'noon' },
    ];
    expect(qwenToolMessages(messages, undefined)).toEqual([
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: 'Let me see.\n<tool_call>\n{"name": "calculator", "arguments": {"expression":"1+1"}}\n</tool_call>\n<tool_call>\n{"name": "current_time", "arguments": {}}\n</tool_call>',
      },
      { role: 'user', content: '<tool_response>\n2\n</tool_response>\n<tool_response>\nnoon\n</tool_response>' },
    ]);
  });

  it('drops the reasoning of earlier user turns and keeps that of the current one', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'a1', reasoning: 'old thought' },
      { role: 'user', content: 'second' },
      { role: 'assistant', content: '', reasoning: '\nnew thought\n', tool_calls: [call('c', 'x', '{}')] },
      { role: 'tool', tool_call_id: 'c', content: 'r' },
    ];
    const out = qwenToolMessages(messages, undefined);
    expect(out[1]).toEqual({ role: 'assistant', content: 'a1' });
    expect(out[3]).toEqual({ role: 'assistant', content: '<think>\nnew thought\n</think>\n\n<tool_call>\n{"name": "x", "arguments": {}}\n</tool_call>' });
  });

  it('adds a system message for the tools when there is none', () => {
    const out = qwenToolMessages([{ role: 'user', content: 'q' }], [{ type: 'function', function: { name: 't' } }]);
    expect(out[0]!.role).toBe('system');
    expect(out[0]!.content).toMatch(/^# Tools\n\nYou may call one or more functions/);
    expect(out[0]!.content).toContain('<tools>\n{"type":"function","function":{"name":"t"}}\n</tools>');
  });
});
