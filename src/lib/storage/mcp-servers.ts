// The person's MCP servers in IndexedDB (one settings entry). A bearer token is written only when the person chose to remember it on this device.
import type { IDBPDatabase } from 'idb';
import { storageMessage, StorageError, type PlaygroundDB } from './db.ts';

export interface SavedMcpServer {
  id: string;
  url: string;
  /** stored only when `rememberKey` */
  bearer?: string;
  rememberKey: boolean;
  /** the tools the person switched off, by the server's names (a tool the server adds later starts on) */
  disabled: string[];
}

const KEY = 'mcp-servers';

export async function loadMcpServers(db: IDBPDatabase<PlaygroundDB>): Promise<SavedMcpServer[]> {
  const saved = (await db.get('settings', KEY)) as SavedMcpServer[] | undefined;
  if (!Array.isArray(saved)) return [];
  return saved
    .filter((s) => typeof s?.id === 'string' && typeof s.url === 'string')
    .map((s) => ({ ...s, rememberKey: s.rememberKey === true, disabled: Array.isArray(s.disabled) ? s.disabled.filter((t) => typeof t === 'string') : [] }));
}

export async function saveMcpServers(db: IDBPDatabase<PlaygroundDB>, servers: SavedMcpServer[]): Promise<void> {
  const records = servers.map(({ bearer, ...rest }): SavedMcpServer => (rest.rememberKey && bearer ? { ...rest, bearer } : rest));
  try {
    await db.put('settings', records, KEY);
  } catch (err) {
    throw new StorageError(storageMessage(err));
  }
}
