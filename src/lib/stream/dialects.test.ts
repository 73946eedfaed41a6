// Which requests let a model think: its name and the thinking switch.
import { describe, expect, it } from 'vitest';
import { mayThink } from './dialects.ts';

describe('mayThink', () => {
  it('a Thinking model always thinks, an Instruct model never does', () => {
    expect(mayThink('Qwen/Qwen3-Next-80B-A3B-Thinking', 'off')).toBe(true);
    expect(mayThink('Qwen/Qwen3-Next-80B-A3B-Instruct', 'on')).toBe(false);
    expect(mayThink('qwen/qwen3-235b-a22b-instruct-2507', 'default')).toBe(false);
  });

  it('a name that says neither thinks by default, and not once thinking is turned off', () => {
    for (const model of ['qwen', 'Qwen/Qwen3-8B', 'qwen3:8b', 'my-alias']) {
      expect(mayThink(model, 'default'), model).toBe(true);
      expect(mayThink(model, 'on'), model).toBe(true);
      expect(mayThink(model, 'off'), model).toBe(false);
    }
  });
});
