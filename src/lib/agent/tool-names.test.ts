// Tool names the model sees: valid for an API, unique across MCP servers and the built-ins.
import { describe, expect, it } from 'vitest';
import { callNames, safeToolName } from './tool-names.ts';

const flat = (m: Map<string, Map<string, string>>) => Object.fromEntries([...m].map(([k, v]) => [k, Object.fromEntries(v)]));

describe('tool names', () => {
  it('keeps a valid name and mends one an API would refuse', () => {
    expect(safeToolName('get_weather-2')).toBe('get_weather-2');
    expect(safeToolName('files.read all')).toBe('files_read_all');
    expect(safeToolName('x'.repeat(80))).toHaveLength(64);
  });

  it('prefixes a name two servers share with each server’s name, and leaves the rest alone', () => {
    const names = callNames([
      { key: 'a', prefix: 'alpha', tools: ['echo', 'add'] },
      { key: 'b', prefix: 'Beta Server', tools: ['echo', 'time'] },
    ]);
    expect(flat(names)).toEqual({ a: { echo: 'alpha_echo', add: 'add' }, b: { echo: 'Beta_Server_echo', time: 'time' } });
  });

  it('a built-in’s name is taken: the MCP tool gets the prefix', () => {
    expect(flat(callNames([{ key: 'a', prefix: 'calc', tools: ['calculator'] }], ['calculator']))).toEqual({ a: { calculator: 'calc_calculator' } });
  });

  it('servers with the same name still end with distinct names', () => {
    const names = callNames([
      { key: 'a', prefix: 'tools', tools: ['echo'] },
      { key: 'b', prefix: 'tools', tools: ['echo'] },
    ]);
    expect(flat(names)).toEqual({ a: { echo: 'tools_echo' }, b: { echo: 'tools_echo_2' } });
  });
});
