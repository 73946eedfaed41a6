// The person's saved endpoints: kept in IndexedDB, keys only in memory unless "remember on this device".
import type { IDBPDatabase } from 'idb';
import { openPlaygroundDB, type PlaygroundDB, type SavedEndpoint } from '../storage/db.ts';
import { deleteEndpoint, loadEndpoints, saveEndpoint } from '../storage/endpoints.ts';

export type { SavedEndpoint };

/** Two base URLs name the same endpoint whatever their trailing slashes. */
export function sameBaseURL(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

export class Endpoints {
  list = $state<SavedEndpoint[]>([]);
  /** why saving does not work here, when it does not */
  error = $state<string | null>(null);
  readonly ready: Promise<void>;
  #db: Promise<IDBPDatabase<PlaygroundDB> | null>;

  constructor(open: () => Promise<IDBPDatabase<PlaygroundDB>> = () => openPlaygroundDB()) {
    this.#db = open().catch((err: unknown) => {
      this.error = (err as Error).message;
      return null;
    });
    this.ready = this.#db.then(async (db) => {
      if (db) this.list = await loadEndpoints(db);
    });
  }

  find(id: string | undefined): SavedEndpoint | undefined {
    return id ? this.list.find((e) => e.id === id) : undefined;
  }

  /** The saved endpoint for a base URL (a deep link carries no key: this is where it comes from). */
  byURL(baseURL: string): SavedEndpoint | undefined {
    return this.list.find((e) => sameBaseURL(e.baseURL, baseURL));
  }

  async save(endpoint: SavedEndpoint): Promise<void> {
    const copy = $state.snapshot(endpoint) as SavedEndpoint;
    const at = this.list.findIndex((e) => e.id === copy.id);
    if (at >= 0) this.list[at] = copy;
    else this.list.push(copy);
    const db = await this.#db;
    if (!db) return;
    try {
      await saveEndpoint(db, copy);
      this.error = null;
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  async remove(id: string): Promise<void> {
    this.list = this.list.filter((e) => e.id !== id);
    const db = await this.#db;
    if (db) await deleteEndpoint(db, id);
  }
}
