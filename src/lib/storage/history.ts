// Saved comparisons and their runs: each write is one transaction, so a failure leaves nothing half-written.
import type { IDBPDatabase, IDBPTransaction } from 'idb';
import { storageMessage, StorageError, type PlaygroundDB, type StoredComparison, type StoredEventBatch, type StoredRun } from './db.ts';
import type { StreamEvent } from '../stream/events.ts';

type DB = IDBPDatabase<PlaygroundDB>;

export interface StoredRunWithEvents {
  run: StoredRun;
  events: StreamEvent[];
}

export interface LoadedComparison {
  comparison: StoredComparison;
  runs: StoredRunWithEvents[];
}

type WriteTx = IDBPTransaction<PlaygroundDB, Array<'comparisons' | 'runs' | 'events'>, 'readwrite'>;
type Write = (request: Promise<unknown>) => void;

/**
 * One write, all or nothing: any failure (a full quota, a closed database) aborts the whole
 * transaction, so no half of a save is ever left behind.
 */
async function writeAll(db: DB, stores: Array<'comparisons' | 'runs' | 'events'>, work: (tx: WriteTx, write: Write) => Promise<void> | void): Promise<void> {
  let tx: WriteTx | undefined;
  const writes: Array<Promise<unknown>> = [];
  const write: Write = (request) => {
    request.catch(() => {}); // when one fails all do: reported below, once
    writes.push(request);
  };
  try {
    tx = db.transaction(stores, 'readwrite');
    tx.done.catch(() => {});
    await work(tx, write);
    await Promise.all([...writes, tx.done]);
  } catch (err) {
    try {
      tx?.abort();
    } catch {
      // it had already ended
    }
    throw new StorageError(storageMessage(err));
  }
}

const eventsOf = (runId: string) => IDBKeyRange.bound([runId, 0], [runId, Infinity]);

/** Newest first. */
export async function listComparisons(db: DB): Promise<StoredComparison[]> {
  return (await db.getAllFromIndex('comparisons', 'updatedAt')).reverse();
}

/**
 * Writes the comparison and drops the runs it no longer has (a removed panel, a taken-back turn),
 * with their events, in the same transaction.
 */
export async function saveComparison(db: DB, comparison: StoredComparison): Promise<void> {
  await writeAll(db, ['comparisons', 'runs', 'events'], async (tx, write) => {
    const panelKeys = new Set(comparison.panels.map((p) => p.key));
    write(tx.objectStore('comparisons').put(comparison));
    for (const run of await tx.objectStore('runs').index('comparisonId').getAll(comparison.id)) {
      if (panelKeys.has(run.panelKey) && run.turn < comparison.turns.length) continue;
      write(tx.objectStore('runs').delete(run.id));
      write(tx.objectStore('events').delete(eventsOf(run.id)));
    }
  });
}

/**
 * Saves a run's progress: its summary, and the events that arrived since the last save as one batch.
 * `fresh` (first save of a new run under this id, e.g. a regenerate) clears the events of the old one.
 */
export async function saveRunProgress(db: DB, run: StoredRun, batch: StoredEventBatch | null, fresh: boolean): Promise<void> {
  await writeAll(db, ['runs', 'events'], (tx, write) => {
    if (fresh) write(tx.objectStore('events').delete(eventsOf(run.id)));
    if (batch && batch.events.length) write(tx.objectStore('events').put(batch));
    write(tx.objectStore('runs').put(run));
  });
}

/** A run whose last save came while it streamed: it is still streaming, or a reload or a crash cut it off. */
export const savedMidStream = (run: StoredRun): boolean => run.status === 'waiting' || run.status === 'thinking' || run.status === 'answering' || run.status === 'tools';

/** The record with its text, which a run saved mid-stream has only in its events. */
function withText(run: StoredRun, events: readonly StreamEvent[]): StoredRun {
  if (!savedMidStream(run)) return run;
  let answer: string[] = [];
  let reasoning: string[] = [];
  for (const e of events) {
    if (e.type === 'content') answer.push(e.text);
    else if (e.type === 'reasoning') reasoning.push(e.text);
    // text already sent turned out to be the other kind, as the run showed it
    else if (e.type === 'reclassify' && e.to === 'reasoning') [reasoning, answer] = [reasoning.concat(answer), []];
    else if (e.type === 'reclassify') [answer, reasoning] = [answer.concat(reasoning), []];
    // an agent turn's answer is its last model call's
    else if (e.type === 'call-end') answer.length = reasoning.length = 0;
  }
  return { ...run, answer: answer.join(''), reasoning: reasoning.join('') };
}

/**
 * How many event batches one read brings back (about 8 s of a stream saved twice a second). Each read's
 * answer is unpacked in a task of its own: a 50k-token answer read at once held the page for 200 ms.
 */
const BATCHES_PER_READ = 16;

/** A run's events, from all its batches in order. */
async function eventsOfRun(store: { getAll(query: IDBKeyRange, count?: number): Promise<StoredEventBatch[]> }, runId: string): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for (let range = eventsOf(runId); ; ) {
    const batches = await store.getAll(range, BATCHES_PER_READ);
    for (const batch of batches) for (const e of batch.events) events.push(e);
    if (batches.length < BATCHES_PER_READ) return events;
    range = IDBKeyRange.bound([runId, batches.at(-1)!.n], [runId, Infinity], true);
  }
}

/** Every run's record with its text, for searching. */
export async function searchableRuns(db: DB): Promise<StoredRun[]> {
  const tx = db.transaction(['runs', 'events'], 'readonly');
  const runs = await tx.objectStore('runs').getAll();
  const out = await Promise.all(
    runs.map(async (run) => (savedMidStream(run) ? withText(run, await eventsOfRun(tx.objectStore('events'), run.id)) : run)),
  );
  await tx.done;
  return out;
}

export async function loadComparison(db: DB, id: string): Promise<LoadedComparison | null> {
  const tx = db.transaction(['comparisons', 'runs', 'events'], 'readonly');
  const comparison = await tx.objectStore('comparisons').get(id);
  if (!comparison) return null;
  const runs = await tx.objectStore('runs').index('comparisonId').getAll(id);
  const withEvents = await Promise.all(
    runs.map(async (stored) => {
      const events = await eventsOfRun(tx.objectStore('events'), stored.id);
      return { run: withText(stored, events), events };
    }),
  );
  await tx.done;
  const column = (r: StoredRun) => comparison.panels.findIndex((p) => p.key === r.panelKey);
  withEvents.sort((a, b) => a.run.turn - b.run.turn || column(a.run) - column(b.run));
  return { comparison, runs: withEvents };
}

export async function deleteComparison(db: DB, id: string): Promise<void> {
  await writeAll(db, ['comparisons', 'runs', 'events'], async (tx, write) => {
    write(tx.objectStore('comparisons').delete(id));
    for (const runId of await tx.objectStore('runs').index('comparisonId').getAllKeys(id)) {
      write(tx.objectStore('runs').delete(runId));
      write(tx.objectStore('events').delete(eventsOf(runId)));
    }
  });
}

/** Writes a whole comparison with its runs and events (import, duplicate) in one transaction. */
export async function putComparison(db: DB, loaded: LoadedComparison): Promise<void> {
  await writeAll(db, ['comparisons', 'runs', 'events'], (tx, write) => {
    write(tx.objectStore('comparisons').put(loaded.comparison));
    for (const { run, events } of loaded.runs) {
      write(tx.objectStore('runs').put(run));
      write(tx.objectStore('events').delete(eventsOf(run.id)));
      if (events.length) write(tx.objectStore('events').put({ runId: run.id, n: 0, events }));
    }
  });
}

export async function getSetting<T>(db: DB, key: string): Promise<T | undefined> {
  return (await db.get('settings', key)) as T | undefined;
}

export async function setSetting(db: DB, key: string, value: unknown): Promise<void> {
  try {
    await db.put('settings', value, key);
  } catch (err) {
    throw new StorageError(storageMessage(err));
  }
}
