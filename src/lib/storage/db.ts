// The IndexedDB database: schema, versions and the upgrade path from every earlier version.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { DialectId } from '../stream/dialects.ts';

export interface SavedEndpoint {
  id: string;
  name: string;
  baseURL: string;
  dialect: DialectId;
  /** stored only when the person asked to remember it on this device */
  apiKey?: string;
  rememberKey: boolean;
  headers: Record<string, string>;
}

export interface PlaygroundDB extends DBSchema {
  endpoints: { key: string; value: SavedEndpoint };
}

export const DB_NAME = 'qwen-playground';
export const DB_VERSION = 1;

export class StorageError extends Error {}

/**
 * Opens the database. Another tab holding an older version gets asked to let go (`versionchange`);
 * a blocked upgrade is reported instead of hanging.
 */
export async function openPlaygroundDB(name = DB_NAME): Promise<IDBPDatabase<PlaygroundDB>> {
  try {
    const db = await openDB<PlaygroundDB>(name, DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) db.createObjectStore('endpoints', { keyPath: 'id' });
      },
      blocked() {
        console.warn('Qwen Playground: another tab keeps an older database open; close it to finish the upgrade.');
      },
      blocking() {
        // a newer version of the app opened in another tab: step aside so it can upgrade
        db.close();
      },
    });
    return db;
  } catch (err) {
    throw new StorageError(storageMessage(err));
  }
}

/** A sentence for a storage failure: a full disk, private browsing, or something else. */
export function storageMessage(err: unknown): string {
  const name = (err as { name?: string })?.name;
  if (name === 'QuotaExceededError') return 'The browser’s storage for this site is full: nothing was saved. Free space (Settings → Privacy → Site data) and try again.';
  if (name === 'InvalidStateError' || name === 'SecurityError') return 'This browser does not allow saving here (private window or blocked storage): settings live only until the tab closes.';
  return `Could not save: ${(err as Error)?.message ?? String(err)}`;
}
