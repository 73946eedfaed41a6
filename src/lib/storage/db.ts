// The IndexedDB database: schema, versions and the upgrade path from every earlier version.
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { DialectId } from '../stream/dialects.ts';
import type { StreamEvent } from '../stream/events.ts';
import type { SamplingParams, ThinkingChoice } from '../engines/types.ts';
import type { MetricsSnapshot } from '../metrics/metrics.ts';
import type { ToolCallState } from '../stream/tool-calls.ts';

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

/** Where a panel points, as stored: never a key, never extra headers (they may hold one). */
export interface StoredEndpointRef {
  id?: string;
  baseURL: string;
  dialect: DialectId;
}

export interface StoredPanel {
  /** stable across reloads: runs name their panel by it */
  key: string;
  model: string;
  endpoint: StoredEndpointRef;
  thinking: ThinkingChoice;
  params: SamplingParams;
}

export interface StoredComparison {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  system: string;
  turns: string[];
  panels: StoredPanel[];
  settings: { stallTimeoutS: number };
}

export type StoredRunStatus = 'waiting' | 'thinking' | 'answering' | 'tools' | 'done' | 'stopped' | 'error' | 'interrupted';

export interface StoredRun {
  /** `<comparison id>/<panel key>/<turn>` */
  id: string;
  comparisonId: string;
  panelKey: string;
  turn: number;
  model: string;
  endpoint: StoredEndpointRef;
  thinking: ThinkingChoice;
  params: SamplingParams;
  /** wall-clock start (ms since 1970); event times are ms since this moment */
  startedAt: number;
  updatedAt: number;
  status: StoredRunStatus;
  /**
   * The whole text, written once the run has ended: enough to search, list and export without replaying
   * the events. While it streams these stay empty and its event batches hold the text (writing all of it
   * at every save made saving a long answer quadratic); `loadComparison` and `searchableRuns` fill them in.
   */
  answer: string;
  reasoning: string;
  toolCalls: ToolCallState[];
  errorMessage: string | null;
  metrics: MetricsSnapshot | null;
  /** ms an in-browser model took to load before this answer (null: nothing loaded; absent in older records) */
  loadMs?: number | null;
  /** ms it queued behind another in-browser answer first (null: it did not; absent in older records) */
  queuedMs?: number | null;
  /** how many events are stored in `events` batches */
  eventCount: number;
}

/** Events of one run saved in one go: `at` is ms since the run started. */
export interface StoredEventBatch {
  runId: string;
  n: number;
  events: StreamEvent[];
}

export interface PlaygroundDB extends DBSchema {
  endpoints: { key: string; value: SavedEndpoint };
  comparisons: { key: string; value: StoredComparison; indexes: { updatedAt: number } };
  runs: { key: string; value: StoredRun; indexes: { comparisonId: string } };
  events: { key: [string, number]; value: StoredEventBatch };
  settings: { key: string; value: unknown };
}

export const DB_NAME = 'qwen-playground';

type Upgrade = (db: IDBPDatabase<PlaygroundDB>, tx: IDBPTransaction<PlaygroundDB, StoreNames<PlaygroundDB>[], 'versionchange'>) => void;

/**
 * One step per version, never edited once released: step i takes the database from version i to i + 1.
 * A new version appends a step (and a case in db.test.ts that upgrades from every earlier version).
 */
export const MIGRATIONS: readonly Upgrade[] = [
  // 1: saved endpoints
  (db) => {
    db.createObjectStore('endpoints', { keyPath: 'id' });
  },
  // 2: history: comparisons, their runs, the runs' events in batches, and settings
  (db) => {
    db.createObjectStore('comparisons', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
    db.createObjectStore('runs', { keyPath: 'id' }).createIndex('comparisonId', 'comparisonId');
    db.createObjectStore('events', { keyPath: ['runId', 'n'] });
    db.createObjectStore('settings');
  },
];

export const DB_VERSION = MIGRATIONS.length;

export class StorageError extends Error {}

export interface OpenOptions {
  /** this tab holds an older version open in another tab's way, or the other way round */
  onBlocked?: (message: string) => void;
  /** another tab upgraded the database: this tab's connection is closed */
  onClosed?: (message: string) => void;
}

/**
 * Opens the database. Another tab holding an older version gets asked to let go (`versionchange`);
 * a blocked upgrade is reported instead of hanging silently.
 */
export async function openPlaygroundDB(name = DB_NAME, options: OpenOptions = {}, version = DB_VERSION): Promise<IDBPDatabase<PlaygroundDB>> {
  try {
    const db = await openDB<PlaygroundDB>(name, version, {
      upgrade(db, oldVersion, newVersion, tx) {
        for (let v = oldVersion; v < (newVersion ?? version); v++) MIGRATIONS[v]!(db, tx);
      },
      blocked() {
        options.onBlocked?.('Another tab of Qwen Playground keeps an older database open: close or reload it so this one can save.');
      },
      blocking() {
        // a newer version of the app opened in another tab: step aside so it can upgrade
        db.close();
        options.onClosed?.('A newer Qwen Playground opened in another tab and took over the saved history: reload this tab to keep saving.');
      },
    });
    return db;
  } catch (err) {
    throw new StorageError(storageMessage(err));
  }
}

/** A sentence for a storage failure: a full disk, private browsing, another tab, or something else. */
export function storageMessage(err: unknown): string {
  const name = (err as { name?: string })?.name;
  if (name === 'QuotaExceededError') return 'The browser’s storage for this site is full: the last change was not saved. Delete old comparisons or free space (Settings → Privacy → Site data), then go on.';
  if (name === 'InvalidStateError') return 'The saved history was closed (another tab upgraded it): reload this tab to keep saving.';
  if (name === 'SecurityError') return 'This browser does not allow saving here (private window or blocked storage): nothing lasts past this tab.';
  return `Could not save: ${(err as Error)?.message ?? String(err)}`;
}
