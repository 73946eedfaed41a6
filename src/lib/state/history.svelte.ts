// Every comparison saved as it streams (about every half second, and at each end), and the list to reopen them.
import type { IDBPDatabase } from 'idb';
import { openPlaygroundDB, DB_NAME, type OpenOptions, type PlaygroundDB, type StoredComparison } from '../storage/db.ts';
import { comparisonRecord, deleteComparison, getSetting, listComparisons, loadComparison, putComparison, saveComparison, saveRunProgress, savedMidStream, searchableRuns, setSetting, type LoadedComparison } from '../storage/history.ts';
import { exportJSON, exportMarkdown, parseExport, withId } from '../storage/exchange.ts';
import { newId, type Comparison, type Panel, type Recorder } from './comparison.svelte.ts';
import { eventBatch, runId, setupAtStart, storedComparison, storedRun, titleOf, type RunPlace } from './record.svelte.ts';
import type { Run } from './run.svelte.ts';

/** A reload or a crash loses at most this much of a stream. */
export const SAVE_EVERY_MS = 500;
const CURRENT = 'current-comparison';
/** where a preference's synchronous copy lives in localStorage */
const PREFERENCE_COPY = 'qwen-playground:pref:';

interface Tracked extends RunPlace {
  run: Run;
  /** events already written */
  saved: number;
  /** next batch number */
  batch: number;
  /** first write under this id: clear what an earlier run of the same turn left */
  fresh: boolean;
  /** the run ended: forget it once its last save has landed */
  ended: boolean;
}

type Open = (options: OpenOptions) => Promise<IDBPDatabase<PlaygroundDB>>;

export class History {
  /**
   * Saved comparisons, newest first: read from storage once `refresh` is first asked for (the sidebar opens),
   * not at start, where reading every record held up the first screen; until then it holds only what this
   * page saved.
   */
  list = $state.raw<StoredComparison[]>([]);
  /** `list` holds every saved comparison: it has been read once */
  listed = $state(false);
  /** why saving does not work right now, in a sentence; null while it does */
  notice = $state<string | null>(null);
  /** the database, or null where this browser gives none */
  readonly db: Promise<IDBPDatabase<PlaygroundDB> | null>;
  #tracked = new Map<Run, Tracked>();
  #timer: ReturnType<typeof setInterval> | null = null;
  /** writes run one after another, so a run's batches land in order */
  #queue: Promise<void> = Promise.resolve();
  /** called after each write of a comparison (the page drops its setup link then) */
  onSaved: ((comparison: Comparison) => void) | null = null;

  constructor(open: Open = (options) => openPlaygroundDB(DB_NAME, options)) {
    const report = (message: string) => (this.notice = message);
    this.db = open({ onBlocked: report, onClosed: report }).catch((err: unknown) => {
      this.notice = (err as Error).message;
      return null;
    });
  }

  /** Reads the whole list, after the writes asked for so far: a save landing meanwhile is in it, not lost from it. */
  refresh(): Promise<void> {
    this.#write(async (db) => {
      this.list = await listComparisons(db);
      this.listed = true;
    });
    return this.#queue;
  }

  /** A choice of the person's (the theme) saved on this device, or undefined. */
  async preference<T>(key: string): Promise<T | undefined> {
    const db = await this.db;
    return db ? getSetting<T>(db, `pref:${key}`) : undefined;
  }

  /**
   * The same choice at once, from a copy in localStorage: the first screen is drawn in it without waiting
   * for the database to open (undefined where there is no copy yet, or no localStorage).
   */
  preferenceNow<T>(key: string): T | undefined {
    try {
      const copy = globalThis.localStorage?.getItem(`${PREFERENCE_COPY}${key}`);
      return copy ? (JSON.parse(copy) as T) : undefined;
    } catch {
      return undefined;
    }
  }

  setPreference(key: string, value: unknown): void {
    try {
      globalThis.localStorage?.setItem(`${PREFERENCE_COPY}${key}`, JSON.stringify(value));
    } catch {
      // storage refused (a private window): the database keeps it, read a moment later
    }
    this.#write((db) => setSetting(db, `pref:${key}`, value));
  }

  /** The comparison open when the page last closed, if any. */
  async current(): Promise<LoadedComparison | null> {
    const db = await this.db;
    const id = db && (await getSetting<string>(db, CURRENT));
    return id ? this.#load(id) : null;
  }

  async open(comparison: Comparison, id: string): Promise<boolean> {
    const loaded = await this.#load(id);
    if (!loaded) return false;
    await comparison.endpoints.ready;
    if (!(await comparison.load(loaded))) return false;
    this.#write((db) => setSetting(db, CURRENT, id));
    return true;
  }

  // Recorder: the comparison tells us what happened; we write it down.

  changed(comparison: Comparison): void {
    const record = storedComparison(comparison);
    if (!record.turns.length) return this.#write((db) => deleteComparison(db, record.id).then(() => this.#forget(record.id)));
    this.#write(async (db) => {
      await saveComparison(db, record);
      await setSetting(db, CURRENT, record.id);
      this.list = [record, ...this.list.filter((c) => c.id !== record.id)];
      this.onSaved?.(comparison);
    });
  }

  runStarted(comparison: Comparison, panel: Panel, turn: number, run: Run): void {
    // a regenerate replaces the run of its turn: the one it replaces must not write over it as it stops
    const id = runId({ comparisonId: comparison.id, panelKey: panel.key, turn });
    for (const [old, t] of this.#tracked) if (runId(t) === id) this.#untrack(old);
    this.#tracked.set(run, { comparisonId: comparison.id, panelKey: panel.key, turn, setup: setupAtStart(panel), run, saved: 0, batch: 0, fresh: true, ended: false });
    this.#saveProgress(run);
    this.#timer ??= setInterval(() => this.saveNow(), SAVE_EVERY_MS);
  }

  runEnded(_comparison: Comparison, _panel: Panel, _turn: number, run: Run): void {
    const t = this.#tracked.get(run);
    if (!t) return;
    t.ended = true;
    this.#saveProgress(run);
  }

  /** Writes every streaming run's progress now, not at the next tick (the page is being hidden or closed). */
  saveNow(): void {
    this.#tracked.forEach((t) => this.#saveProgress(t.run));
  }

  /** Resolves once every write asked for so far has finished (tests, and before leaving the page). */
  settled(): Promise<void> {
    return this.#queue;
  }

  // The sidebar's actions.

  async rename(comparison: Comparison, id: string, title: string): Promise<void> {
    if (id === comparison.id) comparison.title = title;
    const record = this.list.find((c) => c.id === id) ?? (await this.#record(id));
    if (!record) return;
    const renamed = { ...record, title: title.trim() };
    this.#write(async (db) => {
      await saveComparison(db, renamed);
      this.list = this.list.map((c) => (c.id === id ? renamed : c));
    });
    await this.#queue;
  }

  async remove(comparison: Comparison, id: string): Promise<void> {
    if (id === comparison.id) comparison.clear();
    this.#write((db) => deleteComparison(db, id).then(() => this.#forget(id)));
    await this.#queue;
  }

  /** A copy with everything in it, opened: a branch to go on from without touching the original. */
  async duplicate(comparison: Comparison, id: string): Promise<void> {
    const loaded = await this.#read(id);
    if (!loaded) return;
    await this.#add(comparison, withId(loaded, newId(), `Copy of ${titleOf(loaded.comparison)}`));
  }

  async exportJSON(id: string): Promise<string | null> {
    const loaded = await this.#load(id);
    return loaded ? exportJSON(loaded) : null;
  }

  async exportMarkdown(id: string): Promise<string | null> {
    const loaded = await this.#load(id);
    return loaded ? exportMarkdown(loaded, titleOf(loaded.comparison)) : null;
  }

  /** Reads an export and opens it; throws ImportError with a reason for a wrong file. */
  async importJSON(comparison: Comparison, text: string): Promise<void> {
    const loaded = parseExport(text);
    const taken = this.list.some((c) => c.id === loaded.comparison.id) || (await this.#record(loaded.comparison.id)) !== null;
    await this.#add(comparison, taken ? withId(loaded, newId()) : loaded);
  }

  /** Comparisons whose title, prompts, system prompt, models or answers hold `text`. */
  async search(text: string): Promise<StoredComparison[]> {
    if (!this.listed) await this.refresh();
    const needle = text.trim().toLowerCase();
    if (!needle) return this.list;
    const has = (s: string) => s.toLowerCase().includes(needle);
    const db = await this.db;
    const inAnswers = new Set(db ? (await searchableRuns(db)).filter((r) => has(r.answer) || has(r.reasoning)).map((r) => r.comparisonId) : []);
    return this.list.filter((c) => inAnswers.has(c.id) || has(titleOf(c)) || has(c.system) || c.turns.some(has) || c.panels.some((p) => has(p.model)));
  }

  async #add(comparison: Comparison, loaded: LoadedComparison): Promise<void> {
    this.#write((db) => putComparison(db, loaded));
    await this.#queue;
    if (this.notice) return;
    this.list = [loaded.comparison, ...this.list.filter((c) => c.id !== loaded.comparison.id)];
    await this.open(comparison, loaded.comparison.id);
  }

  #forget(id: string): void {
    this.list = this.list.filter((c) => c.id !== id);
  }

  /** A saved comparison as it stands once every write asked for so far has landed: an export of an answer that just ended holds its last words. */
  async #read(id: string): Promise<LoadedComparison | null> {
    await this.#queue;
    const db = await this.db;
    return (db && (await loadComparison(db, id))) || null;
  }

  /** A saved comparison's record alone, once the writes asked for so far have landed. */
  async #record(id: string): Promise<StoredComparison | null> {
    await this.#queue;
    const db = await this.db;
    return db && comparisonRecord(db, id);
  }

  /** `#read`, where a run saved mid-stream and not streaming in this page was cut off by a reload or a crash. */
  async #load(id: string): Promise<LoadedComparison | null> {
    const loaded = await this.#read(id);
    if (!loaded) return null;
    const live = new Set([...this.#tracked.values()].map(runId));
    for (const { run } of loaded.runs) {
      if (savedMidStream(run) && !live.has(run.id)) {
        run.status = 'interrupted';
        this.#write((db) => db.put('runs', run).then(() => undefined));
      }
    }
    return loaded;
  }

  #saveProgress(run: Run): void {
    const t = this.#tracked.get(run);
    if (!t) return;
    this.#write(async (db) => {
      // built when it is its turn to be written, so it holds everything up to now and nothing twice
      const count = run.eventCount;
      if (this.#tracked.get(run) !== t) return; // replaced by a regenerate meanwhile
      // read before writing: a run that ends while this write is on its way is finished by the next one
      const last = t.ended;
      if (count === t.saved && !t.fresh && !last) return;
      const id = runId(t);
      await saveRunProgress(db, storedRun(t, run, count), count > t.saved ? eventBatch(id, t.batch, run, t.saved) : null, t.fresh);
      // only a write that landed moves the mark: after a failure the next save carries these events again
      if (count > t.saved) t.batch++;
      t.saved = count;
      run.letGoBefore(count);
      t.fresh = false;
      // a last save that failed (a full disk) stays tracked: the timer tries again
      if (last) this.#untrack(run);
    });
  }

  #untrack(run: Run): void {
    this.#tracked.delete(run);
    if (!this.#tracked.size && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  #write(work: (db: IDBPDatabase<PlaygroundDB>) => Promise<unknown>): void {
    this.#queue = this.#queue.then(async () => {
      const db = await this.db;
      if (!db) return;
      try {
        await work(db);
        this.notice = null;
      } catch (err) {
        this.notice = (err as Error).message;
      }
    });
  }
}
