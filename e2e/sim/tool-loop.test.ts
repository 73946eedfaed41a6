import { describe, expect, it } from 'vitest';
import { checkToolMessages, roundsSoFar } from './tool-loop.ts';

const call = (id: string) => ({ id, type: 'function', function: { name: 'calculator', arguments: '{}' } });

describe('the simulator as an agent', () => {
  it('accepts a request that answers every call by id, in order', () => {
    const messages = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: '', tool_calls: [call('a'), call('b')] },
      { role: 'tool', tool_call_id: 'a', content: '1' },
      { role: 'tool', tool_call_id: 'b', content: '2' },
    ];
    expect(checkToolMessages(messages)).toBeNull();
    expect(roundsSoFar(messages)).toBe(1);
  });

  it('refuses a missing, reordered or empty tool message', () => {
    const base = [{ role: 'user', content: 'hi' }, { role: 'assistant', content: '', tool_calls: [call('a'), call('b')] }];
    expect(checkToolMessages([...base, { role: 'tool', tool_call_id: 'a', content: '1' }])).toMatch(/answered by \["a"\]/);
    expect(checkToolMessages([...base, { role: 'tool', tool_call_id: 'b', content: '2' }, { role: 'tool', tool_call_id: 'a', content: '1' }])).toMatch(/\["b","a"\]/);
    expect(checkToolMessages([...base, { role: 'tool', tool_call_id: 'a', content: '' }, { role: 'tool', tool_call_id: 'b', content: '2' }])).toMatch(/no content/);
  });
});
