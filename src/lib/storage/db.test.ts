// Every earlier database version upgrades to the current one with its data intact.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { DB_VERSION, MIGRATIONS, openPlaygroundDB, storageMessage } from './db.ts';

let n = 0;
const endpoint = { id: 'lab', name: 'Lab vLLM', baseURL: 'http://gpu:8000/v1', dialect: 'vllm', rememberKey: false, headers: {} };

/** What a person had saved at each version, written the way that version wrote it. */
const FIXTURES: Record<number, (db: IDBDatabase) => void> = {
  1: (db) => void db.transaction('endpoints', 'readwrite').objectStore('endpoints').put(endpoint),
  2: (db) => {
    void db.transaction('endpoints', 'readwrite').objectStore('endpoints').put(endpoint);
    void db.transaction('settings', 'readwrite').objectStore('settings').put('c1', 'current-comparison');
  },
};

describe('database versions', () => {
  it('has a fixture for every version, so no upgrade goes untested', () => {
    expect(Object.keys(FIXTURES).map(Number)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  for (let from = 0; from < DB_VERSION; from++) {
    it(`upgrades from version ${from} to ${DB_VERSION}, keeping what was saved`, async () => {
      const name = `upgrade-${n++}`;
      if (from > 0) {
        const old = await openPlaygroundDB(name, {}, from);
        FIXTURES[from]!(old as unknown as IDBDatabase);
        await new Promise((r) => setTimeout(r, 10));
        old.close();
      }
      const db = await openPlaygroundDB(name);
      expect(db.version).toBe(DB_VERSION);
      expect([...db.objectStoreNames].sort()).toEqual(['comparisons', 'endpoints', 'events', 'runs', 'settings']);
      if (from >= 1) expect(await db.get('endpoints', 'lab')).toEqual(endpoint);
      if (from >= 2) expect(await db.get('settings', 'current-comparison')).toBe('c1');
      db.close();
    });
  }

  it('a tab holding the old version is asked to let go, and says so', async () => {
    const name = `tabs-${n++}`;
    const closed: string[] = [];
    const oldTab = await openPlaygroundDB(name, { onClosed: (m) => closed.push(m) }, 1);
    const newTab = await openDB(name, DB_VERSION + 1);
    expect(closed).toEqual([expect.stringMatching(/another tab.*reload this tab/)]);
    expect(() => oldTab.transaction('endpoints')).toThrow();
    newTab.close();
  });

  it('an upgrade blocked by another tab is reported, not silent', async () => {
    const name = `blocked-${n++}`;
    const stubborn = await openDB(name, 1); // a tab that ignores versionchange
    const blocked: string[] = [];
    const opening = openPlaygroundDB(name, { onBlocked: (m) => blocked.push(m) });
    await new Promise((r) => setTimeout(r, 20));
    expect(blocked).toEqual([expect.stringMatching(/Another tab .* close or reload it/)]);
    stubborn.close();
    expect((await opening).version).toBe(DB_VERSION);
  });

  it('storage failures read as sentences', () => {
    expect(storageMessage(new DOMException('full', 'QuotaExceededError'))).toMatch(/storage for this site is full.*Delete old comparisons/);
    expect(storageMessage(new DOMException('closed', 'InvalidStateError'))).toMatch(/reload this tab/);
  });
});
