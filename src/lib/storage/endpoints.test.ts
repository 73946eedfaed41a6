// Saved endpoints round-trip through IndexedDB; keys are stored only when remembered.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openPlaygroundDB, storageMessage, type SavedEndpoint } from './db.ts';
import { deleteEndpoint, loadEndpoints, saveEndpoint } from './endpoints.ts';

const base: SavedEndpoint = { id: 'a', name: 'Lab vLLM', baseURL: 'http://gpu:8000/v1', dialect: 'vllm', apiKey: 'sk-secret', rememberKey: false, headers: { 'X-Team': 'qwen' } };
let n = 0;
const fresh = () => openPlaygroundDB(`test-${n++}`);

describe('saved endpoints', () => {
  it('a key not remembered is never written', async () => {
    const db = await fresh();
    await saveEndpoint(db, base);
    const [saved] = await loadEndpoints(db);
    expect(saved).toEqual({ id: 'a', name: 'Lab vLLM', baseURL: 'http://gpu:8000/v1', dialect: 'vllm', rememberKey: false, headers: { 'X-Team': 'qwen' } });
    expect(JSON.stringify(await loadEndpoints(db))).not.toContain('sk-secret');
  });

  it('a remembered key comes back after reopening', async () => {
    const name = `test-${n++}`;
    const db = await openPlaygroundDB(name);
    await saveEndpoint(db, { ...base, rememberKey: true });
    db.close();
    const again = await openPlaygroundDB(name);
    expect((await loadEndpoints(again))[0]?.apiKey).toBe('sk-secret');
  });

  it('forgetting the key on save removes it', async () => {
    const db = await fresh();
    await saveEndpoint(db, { ...base, rememberKey: true });
    await saveEndpoint(db, { ...base, rememberKey: false });
    expect((await loadEndpoints(db))[0]?.apiKey).toBeUndefined();
  });

  it('delete removes the endpoint', async () => {
    const db = await fresh();
    await saveEndpoint(db, base);
    await deleteEndpoint(db, 'a');
    expect(await loadEndpoints(db)).toEqual([]);
  });

  it('storage failures become sentences', () => {
    expect(storageMessage({ name: 'QuotaExceededError' })).toMatch(/^The browser’s storage for this site is full: the last change was not saved/);
    expect(storageMessage({ name: 'SecurityError' })).toMatch(/private window/);
  });
});
