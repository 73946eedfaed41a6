// The deep link contract: panels in order, split at the first @, never a key.
import { describe, expect, it } from 'vitest';
import { buildDeepLink, endpointOf, parseDeepLink } from './deep-link.ts';

describe('deep link', () => {
  it('reads panels in order, splitting each at its first @', () => {
    const link = parseDeepLink('?panel=Qwen/Qwen3-8B@http://127.0.0.1:8000/v1&panel=qwen3:8b@http://u@h:11434/v1&prompt=Hi&thinking=off&send=1&servers=vllm,ollama');
    expect(link.panels).toEqual([
      { model: 'Qwen/Qwen3-8B', endpoint: 'http://127.0.0.1:8000/v1', dialect: 'vllm' },
      { model: 'qwen3:8b', endpoint: 'http://u@h:11434/v1', dialect: 'ollama' },
    ]);
    expect(link).toMatchObject({ prompt: 'Hi', thinking: 'off', send: true });
  });

  it('ignores malformed panels and keeps at most four', () => {
    const q = ['noat', '@http://x', 'm@', ...Array.from({ length: 6 }, (_, i) => `m${i}@http://h/v1`)].map((p) => `panel=${encodeURIComponent(p)}`).join('&');
    expect(parseDeepLink(`?${q}`).panels.map((p) => p.model)).toEqual(['m0', 'm1', 'm2', 'm3']);
  });

  it('round-trips through buildDeepLink', () => {
    const link = { panels: [{ model: 'a b', endpoint: 'http://h/v1' }], prompt: 'x & y', system: 'be brief', thinking: 'on' as const, send: true };
    expect(parseDeepLink(new URL(buildDeepLink('http://app/', link)).search)).toEqual({ ...link, stallTimeoutS: null, modelsFrom: null, tools: null, steps: null, mcp: [], cpuThreads: null });
  });

  it('carries agent mode: the built-in tools and the step limit', () => {
    const link = { panels: [{ model: 'm', endpoint: 'http://h/v1' }], prompt: '', system: '', thinking: 'default' as const, tools: ['calculator', 'javascript'], steps: 4 };
    expect(parseDeepLink(new URL(buildDeepLink('http://app/', link)).search)).toMatchObject({ tools: ['calculator', 'javascript'], steps: 4 });
    expect(parseDeepLink('?tools=&steps=0')).toMatchObject({ tools: [], steps: null });
    expect(parseDeepLink('?steps=2.5').steps).toBeNull();
  });

  it('reads every &mcp= server once, web addresses only, and writes them back', () => {
    const link = parseDeepLink('?mcp=http://127.0.0.1:9/mcp&mcp=https://tools.example/mcp?x=1&mcp=javascript:alert(1)&mcp=http://127.0.0.1:9/mcp');
    expect(link.mcp).toEqual(['http://127.0.0.1:9/mcp', 'https://tools.example/mcp?x=1']);
    const built = buildDeepLink('http://app/', { panels: [], prompt: '', system: '', thinking: 'default', mcp: link.mcp });
    expect(parseDeepLink(new URL(built).search).mcp).toEqual(link.mcp);
  });

  it('opens an in-browser model for <model>@webllm, and a server for anything else', () => {
    const link = parseDeepLink('?panel=Qwen3-0.6B-q4f16_1-MLC@webllm&panel=Qwen/Qwen3-8B@http://h/v1&servers=,sglang&models-from=http://127.0.0.1:9/');
    expect(link.panels.map(endpointOf)).toEqual([
      { baseURL: 'webllm', dialect: 'webllm' },
      { baseURL: 'http://h/v1', dialect: 'sglang' },
    ]);
    expect(link.modelsFrom).toBe('http://127.0.0.1:9/');
    // a mirror must be a web address: anything else is ignored rather than fetched
    expect(parseDeepLink('?models-from=javascript:alert(1)').modelsFrom).toBeNull();
  });

  it('opens the CPU engine for <model>@wasm, a catalog id or a family name, with threads a link may fix', () => {
    const link = parseDeepLink('?panel=Qwen3-0.6B@wasm&panel=Qwen3-4B-Q4_K_M@WASM&servers=,vllm&cpu-threads=1');
    expect(link.panels.map(endpointOf)).toEqual([
      { baseURL: 'wasm', dialect: 'wasm' },
      { baseURL: 'wasm', dialect: 'wasm' },
    ]);
    expect(link.panels.map((p) => p.model)).toEqual(['Qwen3-0.6B', 'Qwen3-4B-Q4_K_M']);
    expect(link.cpuThreads).toBe(1);
    expect(parseDeepLink('?cpu-threads=0').cpuThreads).toBeNull();
    expect(parseDeepLink('?cpu-threads=1.5').cpuThreads).toBeNull();
    // a server link never lands on the CPU engine because of its servers= entry
    expect(endpointOf({ model: 'm', endpoint: 'http://h/v1', dialect: 'wasm' })).toEqual({ baseURL: 'http://h/v1', dialect: 'vllm' });
  });
});
