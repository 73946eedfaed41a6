// Saved endpoints in IndexedDB. A key is written only when the person chose to remember it on this device.
import type { IDBPDatabase } from 'idb';
import { storageMessage, StorageError, type PlaygroundDB, type SavedEndpoint } from './db.ts';

export async function loadEndpoints(db: IDBPDatabase<PlaygroundDB>): Promise<SavedEndpoint[]> {
  return db.getAll('endpoints');
}

export async function saveEndpoint(db: IDBPDatabase<PlaygroundDB>, endpoint: SavedEndpoint): Promise<void> {
  const { apiKey, ...rest } = endpoint;
  const record: SavedEndpoint = endpoint.rememberKey && apiKey ? { ...rest, apiKey } : rest;
  try {
    await db.put('endpoints', record);
  } catch (err) {
    throw new StorageError(storageMessage(err));
  }
}

export async function deleteEndpoint(db: IDBPDatabase<PlaygroundDB>, id: string): Promise<void> {
  await db.delete('endpoints', id);
}
