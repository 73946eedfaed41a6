// The catalog, the device check, load progress and the cache listing, each against the shapes web-llm and browsers give.
import { describe, expect, it } from 'vitest';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { downloadSize, fitsTogether, memoryBudgetMB, qwenCatalog, resolveModel, withMirror, type ModelRecordLike } from './webllm-catalog.ts';
import { probeDevice, type AdapterLike } from './webllm-device.ts';
import { readProgress } from './webllm-progress.ts';
import { cachedModels, type CacheStorageLike } from './webllm-cache.ts';

const LIST = prebuiltAppConfig.model_list as ModelRecordLike[];

describe('catalog', () => {
  const catalog = qwenCatalog(LIST);

  it("takes the Qwen3 4-bit models of web-llm's own list, smallest first, with their memory need", () => {
    const qwen3 = catalog.filter((e) => e.family.startsWith('Qwen3-'));
    expect(qwen3.map((e) => e.id)).toEqual([
      'Qwen3-0.6B-q4f16_1-MLC', 'Qwen3-0.6B-q4f32_1-MLC', 'Qwen3-1.7B-q4f16_1-MLC', 'Qwen3-1.7B-q4f32_1-MLC',
      'Qwen3-4B-q4f16_1-MLC', 'Qwen3-4B-q4f32_1-MLC', 'Qwen3-8B-q4f16_1-MLC', 'Qwen3-8B-q4f32_1-MLC',
    ]);
    expect(qwen3.every((e) => e.vramMB! > 1000)).toBe(true);
    // newer Qwen entries of the list come after Qwen3, and other families never appear
    expect(catalog.some((e) => e.family.startsWith('Qwen3.5'))).toBe(true);
    expect(catalog.every((e) => /^Qwen/.test(e.id) && /q4f(16|32)_1/.test(e.id))).toBe(true);
  });

  it('picks the q4f32_1 variant without shader-f16, and reads a family name from a link', () => {
    expect(resolveModel(catalog, 'Qwen3-4B-q4f16_1-MLC', false)).toMatchObject({ entry: { id: 'Qwen3-4B-q4f32_1-MLC' }, switched: true });
    expect(resolveModel(catalog, 'Qwen3-4B-q4f16_1-MLC', true)).toMatchObject({ entry: { id: 'Qwen3-4B-q4f16_1-MLC' }, switched: false });
    expect(resolveModel(catalog, 'qwen3-1.7b', true)!.entry.id).toBe('Qwen3-1.7B-q4f16_1-MLC');
    expect(resolveModel(catalog, 'Qwen3-1.7B', false)!.entry.id).toBe('Qwen3-1.7B-q4f32_1-MLC');
    expect(resolveModel(catalog, 'Llama-3', true)).toBeNull();
  });

  it('fits models together by their memory estimates', () => {
    expect(fitsTogether(catalog, ['Qwen3-0.6B-q4f16_1-MLC', 'Qwen3-1.7B-q4f16_1-MLC'], memoryBudgetMB(8))).toBe(true);
    expect(fitsTogether(catalog, ['Qwen3-8B-q4f16_1-MLC', 'Qwen3-4B-q4f16_1-MLC'], memoryBudgetMB(8))).toBe(false);
    expect(fitsTogether(catalog, ['unknown'], 1e9)).toBe(false);
  });

  it('points weights and libraries at a mirror with the same paths', () => {
    const [r] = withMirror(LIST.filter((x) => x.model_id === 'Qwen3-0.6B-q4f16_1-MLC'), 'http://127.0.0.1:9/');
    expect(r!.model).toBe('http://127.0.0.1:9/mlc-ai/Qwen3-0.6B-q4f16_1-MLC');
    expect(r!.model_lib).toMatch(/^http:\/\/127\.0\.0\.1:9\/mlc-ai\/binary-mlc-llm-libs\//);
  });

  it('sums the tensor-cache records for the download size, and says unknown when the manifest is out of reach', async () => {
    const asked: string[] = [];
    const ok = (async (url: string) => (asked.push(url), new Response(JSON.stringify({ records: [{ nbytes: 1000 }, { nbytes: 24 }] })))) as unknown as typeof fetch;
    expect(await downloadSize('https://huggingface.co/mlc-ai/Qwen3-0.6B-q4f16_1-MLC', ok)).toBe(1024);
    expect(asked).toEqual(['https://huggingface.co/mlc-ai/Qwen3-0.6B-q4f16_1-MLC/resolve/main/tensor-cache.json']);
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    expect(await downloadSize('https://huggingface.co/x', down)).toBeNull();
    const missing = (async () => new Response('no', { status: 404 })) as unknown as typeof fetch;
    expect(await downloadSize('https://huggingface.co/x', missing)).toBeNull();
  });
});

describe('device check', () => {
  const limits = { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30, maxComputeWorkgroupStorageSize: 32768, maxStorageBuffersPerShaderStage: 10 };
  const adapter = (features: string[], more: Partial<AdapterLike['limits']> = {}): AdapterLike => ({ features: new Set(features), limits: { ...limits, ...more }, info: { vendor: 'google', architecture: 'swiftshader' } });
  const gpu = (a: AdapterLike | null) => ({ requestAdapter: async () => a });

  it('one sentence per case, naming browsers that work', async () => {
    expect(await probeDevice(undefined, true)).toMatchObject({ ok: false, reason: 'no-webgpu', message: expect.stringMatching(/no WebGPU.*Chrome or Edge 113\+.*Safari 26.*Firefox 141\+ on Windows/) });
    expect(await probeDevice(gpu(null), true)).toMatchObject({ ok: false, reason: 'no-adapter', message: expect.stringContaining('hardware acceleration') });
    expect(await probeDevice(gpu(adapter([])), false)).toMatchObject({ ok: false, reason: 'insecure' });
    expect(await probeDevice({ requestAdapter: () => Promise.reject(new Error('boom')) }, true)).toMatchObject({ ok: false, reason: 'no-adapter', detail: 'Error: boom' });
    expect(await probeDevice(gpu(adapter(['shader-f16'], { maxStorageBuffersPerShaderStage: 8 })), true)).toMatchObject({ ok: false, reason: 'limits', message: expect.stringContaining('maxStorageBuffersPerShaderStage 8, needs 10') });
  });

  it('tells whether shader-f16 is there', async () => {
    expect(await probeDevice(gpu(adapter(['shader-f16'])), true)).toMatchObject({ ok: true, f16: true, gpu: 'google swiftshader' });
    expect(await probeDevice(gpu(adapter([])), true)).toMatchObject({ ok: true, f16: false, note: expect.stringContaining('q4f32_1') });
  });
});

describe('load progress', () => {
  it('reads downloading, reading the cache and compiling, with bytes and time left', () => {
    const fetching = readProgress({ progress: 0.25, timeElapsed: 12, text: 'Fetching param cache[3/10]: 120MB fetched. 25% completed, 12 secs elapsed. It can take a while.' }, null);
    expect(fetching).toMatchObject({ phase: 'fetching', fraction: 0.25, loadedBytes: 120 * 2 ** 20, totalBytes: 480 * 2 ** 20, etaS: 36 });
    expect(fetching.message).toBe('Downloading: 120 MB of 480 MB · about 36 s left');
    const cached = readProgress({ progress: 0.5, timeElapsed: 1, text: 'Loading model from cache[5/10]: 200MB loaded. 50% completed, 1 secs elapsed.' }, 400 * 2 ** 20);
    expect(cached).toMatchObject({ phase: 'reading-cache', totalBytes: 400 * 2 ** 20, etaS: undefined });
    expect(readProgress({ progress: 0.1, timeElapsed: 30, text: 'Loading GPU shader modules[4/40]: 10% completed, 30 secs elapsed.' }, null)).toMatchObject({ phase: 'compiling', etaS: 270, message: 'Compiling GPU shaders… 10% · about 5 min left' });
    expect(readProgress({ progress: 1, timeElapsed: 40, text: 'Finish loading on WebGPU - google' }, null).phase).toBe('ready');
    expect(readProgress({ progress: 0, timeElapsed: 0, text: 'Start to fetch params' }, null)).toMatchObject({ phase: 'fetching', fraction: 0 });
  });
});

describe('cache listing', () => {
  it('sums the cached files of each model from their lengths', async () => {
    const files: Record<string, number> = {
      'https://huggingface.co/mlc-ai/Qwen3-0.6B-q4f16_1-MLC/resolve/main/params_shard_0.bin': 30_000_000,
      'https://huggingface.co/mlc-ai/Qwen3-0.6B-q4f16_1-MLC/resolve/main/tensor-cache.json': 2000,
      'https://huggingface.co/mlc-ai/Qwen3-0.6B-q4f32_1-MLC-other/x.bin': 5,
    };
    const storage: CacheStorageLike = {
      has: async (name) => name === 'webllm/model',
      open: async () => ({
        keys: async () => Object.keys(files).map((url) => ({ url })),
        match: async (url) => ({ headers: { get: (h: string) => (h === 'content-length' && url.endsWith('.bin') ? String(files[url]) : null) }, blob: async () => ({ size: files[url]! }) }),
      }),
    };
    expect(await cachedModels(qwenCatalog(LIST), storage)).toEqual({ 'Qwen3-0.6B-q4f16_1-MLC': 30_002_000 });
    expect(await cachedModels(qwenCatalog(LIST), undefined)).toEqual({});
  });
});
