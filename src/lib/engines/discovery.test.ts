// Reading /models answers: each server's shape, its kind, and the context length.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIRES } from '../../../e2e/sim/dialects.ts';
import { modelsFor, startSim, type SimServer } from '../../../e2e/sim/server.ts';
import { discover, parseModelList } from './discovery.ts';

describe('parseModelList', () => {
  const cases = [
    { dialect: 'vllm', base: 'http://gpu:8000/v1', server: 'vllm', context: 262144 },
    { dialect: 'sglang', base: 'http://gpu:30000/v1', server: 'sglang', context: 262144 },
    { dialect: 'llamacpp', base: 'http://gpu:8080/v1', server: 'llamacpp', context: 65536 },
    { dialect: 'ollama', base: 'http://gpu:11434/v1', server: 'ollama', context: null },
    { dialect: 'nim', base: 'https://integrate.api.nvidia.com/v1', server: 'nim', context: null },
  ] as const;
  for (const c of cases) {
    it(`${c.dialect}: models, server kind and context`, () => {
      const ids = modelsFor(c.dialect);
      const d = parseModelList(WIRES[c.dialect].models(ids, 1), c.base);
      expect(d.models.map((m) => m.id)).toEqual(ids);
      expect(d.server).toBe(c.server);
      expect(d.models[0]?.contextLength).toBe(c.context);
    });
  }

  it('an unknown server: the models, no kind', () => {
    const d = parseModelList({ object: 'list', data: [{ id: 'm', object: 'model', owned_by: 'someone' }] }, 'http://x/v1');
    expect(d).toEqual({ models: [{ id: 'm', contextLength: null }], server: null });
  });

  it('garbage gives no models rather than an exception', () => {
    for (const body of [null, 'text', { data: 'no' }, { data: [{ id: 3 }, null] }]) expect(parseModelList(body, 'x').models).toEqual([]);
  });
});

describe('discover against the simulator', () => {
  let sim: SimServer;
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(() => sim.close());

  it('lists the models of a server that wants a key, with the key', async () => {
    const r = await discover(`${sim.url}/sglang,key=k/v1`, 'k');
    expect(r).toEqual({ ok: true, discovery: { models: modelsFor('sglang').map((id) => ({ id, contextLength: 262144 })), server: 'sglang' } });
  });

  it('says when the key is missing, and when the path is wrong', async () => {
    expect(await discover(`${sim.url}/sglang,key=k/v1`, undefined)).toMatchObject({ ok: false, message: expect.stringContaining('API key is missing or wrong') });
    expect(await discover(`${sim.url}/nothing-here`, undefined)).toMatchObject({ ok: false, message: expect.stringMatching(/was not found \(HTTP 404\)\. Is the base URL right\?/) });
  });
});
