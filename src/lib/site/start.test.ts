import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../engines/webllm-catalog.ts';
import { LOCAL_NIM_PROXY, nvidiaChoice, serverChoices, smallestFitting, withSiteEndpoints } from './start.ts';

const entry = (family: string, quant: CatalogEntry['quant'], vramMB: number): CatalogEntry => ({ id: `${family}-${quant}-MLC`, family, quant, vramMB, contextWindow: 4096, url: 'https://x' });
const CATALOG = [entry('Qwen3-0.6B', 'q4f16_1', 1400), entry('Qwen3-0.6B', 'q4f32_1', 1900), entry('Qwen3-1.7B', 'q4f16_1', 2000), entry('Qwen3-1.7B', 'q4f32_1', 2600)];

describe('the first visit', () => {
  it('offers the smallest Qwen3 that fits, in the variant the GPU runs', () => {
    expect(smallestFitting(CATALOG, 4096, true)?.id).toBe('Qwen3-0.6B-q4f16_1-MLC');
    expect(smallestFitting(CATALOG, 4096, false)?.id).toBe('Qwen3-0.6B-q4f32_1-MLC');
    expect(smallestFitting(CATALOG, 1000, true)).toBeNull();
  });

  it('a site panel may name an endpoint: its URL and server kind apply', () => {
    const endpoints = [{ name: 'nvidia', baseURL: 'https://proxy.example.org/nim/v1', server: 'nim' }];
    expect(withSiteEndpoints([{ model: 'qwen/x', endpoint: 'nvidia' }, { model: 'Qwen3-0.6B', endpoint: 'webllm' }], endpoints)).toEqual([
      { model: 'qwen/x', endpoint: 'https://proxy.example.org/nim/v1', dialect: 'nim' },
      { model: 'Qwen3-0.6B', endpoint: 'webllm' },
    ]);
  });

  it('NVIDIA goes through the site’s proxy, else the local one', () => {
    expect(nvidiaChoice([]).panels.map((p) => p.endpoint)).toEqual([LOCAL_NIM_PROXY, LOCAL_NIM_PROXY]);
    const site = nvidiaChoice([{ name: 'Our proxy', baseURL: 'https://p.example.org/nim/v1', server: 'nim' }]);
    expect(site.panels).toEqual([
      { model: 'qwen/qwen3-next-80b-a3b-instruct', endpoint: 'https://p.example.org/nim/v1', dialect: 'nim' },
      { model: 'qwen/qwen3-next-80b-a3b-thinking', endpoint: 'https://p.example.org/nim/v1', dialect: 'nim' },
    ]);
  });

  it('servers of your own: the site’s endpoints first, then the presets, never NVIDIA’s direct URL', () => {
    const choices = serverChoices([{ name: 'lab', baseURL: 'https://lab.example.org/v1', server: 'sglang' }]);
    expect(choices[0]).toMatchObject({ title: 'lab', panels: [{ endpoint: 'https://lab.example.org/v1', dialect: 'sglang' }] });
    expect(choices.map((c) => c.id)).toContain('vllm');
    expect(choices.some((c) => c.panels.some((p) => p.endpoint.includes('integrate.api.nvidia.com')))).toBe(false);
  });
});
