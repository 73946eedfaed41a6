// Comparisons are saved as they stream and come back whole: after a reload, a crash, or an import.
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { StreamEvent } from '../stream/events.ts';
import { openPlaygroundDB } from '../storage/db.ts';
import { loadComparison } from '../storage/history.ts';
import { Comparison } from './comparison.svelte.ts';
import { Endpoints } from './endpoints.svelte.ts';
import { History } from './history.svelte.ts';
import { Run } from './run.svelte.ts';
import { ScriptedEngine } from './scripted-engine.test-support.ts';

const identity = (html: string) => html;
const settle = () => new Promise((r) => setTimeout(r, 30));
/** Waits on the periodic save, which a machine busy with other test files can hold up for seconds. */
const TIMER_SAVE_WAIT_MS = 10_000;
let n = 0;

/** One page: its own History and Comparison over the named database, like a tab. */
function page(name: string, engine = new ScriptedEngine()) {
  const open = () => openPlaygroundDB(name);
  const history = new History((options) => openPlaygroundDB(name, options));
  const c = new Comparison(identity, engine, new Endpoints(open));
  c.recorder = history;
  return { history, c, engine };
}

function twoPanels(c: Comparison) {
  const endpoint = { baseURL: 'http://h/v1', dialect: 'vllm' as const };
  c.addPanel({ endpoint, model: 'A', thinking: 'default', params: {} });
  c.addPanel({ endpoint, model: 'B', thinking: 'off', params: { temperature: 0.6 } });
}

/** A fresh page whose two panels have answered `prompt`, with everything saved. */
async function answered(prompt: string) {
  const name = `h-${n++}`;
  const p = page(name);
  twoPanels(p.c);
  p.c.send(prompt);
  await settle();
  await p.history.settled();
  return { ...p, name };
}

describe('History', () => {
  it('saves a finished comparison and a new page reopens it whole', async () => {
    const name = `h-${n++}`;
    const first = page(name);
    twoPanels(first.c);
    first.c.system = 'Be brief.';
    first.c.send('one');
    await settle();
    first.c.send('two');
    await settle();
    await first.history.settled();

    const second = page(name);
    const loaded = await second.history.current();
    expect(loaded?.comparison.id).toBe(first.c.id);
    await second.c.load(loaded!);
    expect(second.c.system).toBe('Be brief.');
    expect(second.c.turns).toEqual(['one', 'two']);
    expect(second.c.panels.map((p) => p.setup.model)).toEqual(['A', 'B']);
    expect(second.c.panels[1]!.setup).toMatchObject({ thinking: 'off', params: { temperature: 0.6 } });
    expect(second.c.panels.map((p) => p.runs.map((r) => [r?.status, r?.answerText]))).toEqual([
      [['done', 'A: one'], ['done', 'A: two']],
      [['done', 'B: one'], ['done', 'B: two']],
    ]);
    // the numbers replay from the saved event times
    expect(second.c.panels[0]!.runs[0]!.metricsNow.outputTokens).toEqual(first.c.panels[0]!.runs[0]!.metricsNow.outputTokens);
    expect((await second.history.search('B: two')).map((c) => c.id)).toEqual([first.c.id]);
  });

  it('a load replays its runs in tasks of their own and shows them all at once; a later load overtakes it', async () => {
    const [one, two] = [await answered('one'), await answered('two')];
    const [first, second] = [await one.history.current(), await two.history.current()];
    const p = page(`h-${n++}`);
    twoPanels(p.c);
    const before = p.c.panels;
    const overtaken = p.c.load(first!);
    // nothing changes in the task that asked: the page draws and takes input while the runs replay
    expect(p.c.panels).toBe(before);
    await Promise.resolve();
    expect(p.c.turns).toEqual([]);
    const latest = p.c.load(second!);
    expect(await overtaken).toBe(false);
    expect(await latest).toBe(true);
    expect(p.c.id).toBe(two.c.id);
    expect(p.c.panels.map((panel) => panel.runs.map((r) => r?.answerText))).toEqual([['A: two'], ['B: two']]);

    // a load no longer wanted once its runs have replayed (the person began a setup meanwhile) shows nothing
    let wanted = true;
    const unwanted = p.c.load(first!, () => wanted);
    wanted = false;
    expect(await unwanted).toBe(false);
    expect(p.c.id).toBe(two.c.id);
  });

  it('a run cut off mid-stream comes back as interrupted, with what arrived', async () => {
    const name = `h-${n++}`;
    const first = page(name);
    first.engine.hold = new Promise(() => {}); // the stream never ends: the tab is closed mid-answer
    twoPanels(first.c);
    first.c.send('q');
    // what arrived before the tab closed: waited for, not a fixed time that a busy machine outruns
    await vi.waitFor(() => expect(first.c.panels.map((p) => p.runs[0]?.answerText)).toEqual(['A: ', 'B: ']), { interval: 5 });
    await first.history.settled();

    const second = page(name);
    const loaded = await second.history.current();
    await second.c.load(loaded!);
    const run = second.c.panels[0]!.runs[0]!;
    expect(run.status).toBe('interrupted');
    expect(run.answerText).toBe('A: ');
    await second.history.settled();
    const db = await openPlaygroundDB(name);
    expect((await loadComparison(db, first.c.id))!.runs.map((r) => r.run.status)).toEqual(['interrupted', 'interrupted']);
  });

  it('writes progress about every half second while streaming, not only at the end', async () => {
    const name = `h-${n++}`;
    const first = page(name);
    let release!: () => void;
    first.engine.hold = new Promise((r) => (release = r));
    twoPanels(first.c);
    first.c.send('q');
    const db = await openPlaygroundDB(name);
    // the stream is held open: whatever is saved now was saved mid-stream, by the periodic save
    await vi.waitFor(
      async () => {
        const during = await loadComparison(db, first.c.id);
        expect(during!.runs.map((r) => [r.run.status, r.run.answer, r.events.length])).toEqual([
          ['answering', 'A: ', 2],
          ['answering', 'B: ', 2],
        ]);
      },
      { timeout: TIMER_SAVE_WAIT_MS, interval: 100 },
    );
    // a save mid-stream writes only what is new: the record itself holds no text until the run ends
    expect((await db.getAll('runs')).map((r) => [r.answer, r.reasoning])).toEqual([
      ['', ''],
      ['', ''],
    ]);
    expect((await first.history.search('B: ')).map((c) => c.id)).toEqual([first.c.id]);
    release();
    await settle();
    await first.history.settled();
    const after = await loadComparison(db, first.c.id);
    // events land in batches, each once
    expect(after!.runs.map((r) => [r.run.status, r.run.answer, r.events.map((e) => e.type)])).toEqual([
      ['done', 'A: q', ['open', 'content', 'content', 'done']],
      ['done', 'B: q', ['open', 'content', 'content', 'done']],
    ]);
    expect(after!.runs[0]!.events.every((e) => e.at >= 0 && e.at < 5_000)).toBe(true);
    // what is written down, the page lets go of: a long answer's tens of thousands of events leave memory
    const run = first.c.panels[0]!.latest!;
    expect([run.eventCount, run.eventsFrom(4)]).toEqual([4, []]);
    expect(() => run.eventsFrom(0)).toThrow(/let go/);
  }, TIMER_SAVE_WAIT_MS + 5_000);

  it('regenerate replaces the saved run; taking a turn back deletes its runs', async () => {
    const name = `h-${n++}`;
    const { c, history } = page(name);
    twoPanels(c);
    c.send('one');
    await settle();
    c.send('two');
    await settle();
    c.regenerate(c.panels[0]!);
    await settle();
    c.editLastTurn();
    await history.settled();
    const db = await openPlaygroundDB(name);
    const saved = await loadComparison(db, c.id);
    expect(saved!.comparison.turns).toEqual(['one']);
    expect(saved!.runs.map((r) => [r.run.model, r.run.turn, r.events.length])).toEqual([
      ['A', 0, 4],
      ['B', 0, 4],
    ]);
  });

  it('export then import gives the same comparison, beside the original', async () => {
    const { c, history } = await answered('one');
    const json = (await history.exportJSON(c.id))!;
    expect(json).not.toContain('apiKey');
    const original = c.id;
    await history.importJSON(c, json);
    expect(c.id).not.toBe(original);
    expect(history.list.map((x) => x.id)).toEqual([c.id, original]);
    const again = JSON.parse((await history.exportJSON(c.id))!);
    const before = JSON.parse(json);
    const strip = (x: { comparison: { id: string; updatedAt: number }; runs: Array<{ run: { id: string; comparisonId: string } }> }) => {
      x.comparison.id = x.comparison.updatedAt = x.runs.map((r) => ((r.run.id = r.run.comparisonId = ''), 0))[0] as never;
      return { comparison: x.comparison, runs: x.runs };
    };
    expect(strip(again)).toEqual(strip(before));
    expect(c.panels.map((p) => p.runs[0]?.answerText)).toEqual(['A: one', 'B: one']);
  });

  it('an export asked for the moment the answers end holds them whole, not what the last save had so far', async () => {
    const { history, c, engine } = page(`h-${n++}`);
    let release = () => {};
    engine.hold = new Promise((resolve) => (release = resolve));
    twoPanels(c);
    c.send('one');
    await settle();
    await history.settled(); // saved mid-stream: each answer's first chunk
    release();
    await vi.waitFor(() => expect(c.panels.every((p) => p.runs[0]?.ended)).toBe(true), { interval: 1 });
    const exported = JSON.parse((await history.exportJSON(c.id))!) as { runs: Array<{ run: { status: string }; events: StreamEvent[] }> };
    expect(exported.runs.map(({ run }) => run.status)).toEqual(['done', 'done']);
    expect(exported.runs.map(({ events }) => events.map((e) => (e.type === 'content' ? e.text : '')).join(''))).toEqual(['A: one', 'B: one']);
  });

  it('rename, duplicate and delete', async () => {
    const { c, history } = await answered('what is MoE?');
    const id = c.id;
    await history.rename(c, id, 'MoE explained');
    expect(c.title).toBe('MoE explained');
    await history.duplicate(c, id);
    expect(c.id).not.toBe(id);
    expect(history.list.map((x) => x.title)).toEqual(['Copy of MoE explained', 'MoE explained']);
    expect(c.panels[0]!.runs[0]!.answerText).toBe('A: what is MoE?');
    await history.remove(c, c.id);
    expect(c.turns).toEqual([]);
    expect(history.list.map((x) => x.id)).toEqual([id]);
    expect((await history.search('moe')).map((x) => x.id)).toEqual([id]);
    expect(await history.search('nothing like this')).toEqual([]);
  });

  it('a full quota: a clear notice, nothing half-written, and the next save catches up', async () => {
    const name = `h-${n++}`;
    const { c, history } = page(name);
    twoPanels(c);
    const put = IDBObjectStore.prototype.put;
    let full = false;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      if (full && this.name === 'events') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
    try {
      full = true;
      c.send('q');
      await settle();
      await history.settled();
      expect(history.notice).toMatch(/storage for this site is full/);
      const db = await openPlaygroundDB(name);
      // the comparison itself was written; no run record exists without its events (a run's first save
      // may land before its first event, with none to miss: that order depends on timing)
      const { runs } = (await loadComparison(db, c.id))!;
      for (const { run, events } of runs) expect([run.eventCount, events.length]).toEqual([0, 0]);
      // nothing written, nothing let go: the page still holds every event for the next save
      for (const panel of c.panels) expect(panel.latest!.eventsFrom(0).map((e) => e.type)).toEqual(['open', 'content', 'content', 'done']);
      // space is freed: the runs that ended meanwhile are written by the next save, whole
      full = false;
      await vi.waitFor(
        async () => {
          const saved = await loadComparison(db, c.id);
          expect(saved!.runs.map((r) => [r.run.model, r.run.status, r.run.answer, r.events.length])).toEqual([
            ['A', 'done', 'A: q', 4],
            ['B', 'done', 'B: q', 4],
          ]);
        },
        { timeout: TIMER_SAVE_WAIT_MS, interval: 100 },
      );
      await history.settled();
      expect(history.notice).toBeNull();
    } finally {
      IDBObjectStore.prototype.put = put;
    }
  }, TIMER_SAVE_WAIT_MS + 5_000);

  it('a run that ends while a save is on its way still gets its end saved', async () => {
    const { c, history, name } = await answered('q'); // the comparison exists; its runs end at once
    const [panel] = c.panels;
    const run = new Run(identity);
    run.apply({ type: 'open', at: run.startedAt, status: 200 });
    run.apply({ type: 'content', text: 'first words', at: run.startedAt + 1, seq: 1 });
    const put = IDBObjectStore.prototype.put;
    let ended = false;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      // the first save of this run is being written: the stream ends right now
      if (!ended && this.name === 'runs') {
        ended = true;
        run.apply({ type: 'content', text: ', last words', at: run.startedAt + 2, seq: 2 });
        run.apply({ type: 'done', finishReason: 'stop', at: run.startedAt + 3 });
        history.runEnded(c, panel!, 0, run);
      }
      return put.apply(this, args);
    };
    try {
      history.runStarted(c, panel!, 0, run);
      await settle();
      await history.settled();
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    const db = await openPlaygroundDB(name);
    const saved = (await loadComparison(db, c.id))!.runs.find((r) => r.run.panelKey === panel!.key)!;
    expect([saved.run.status, saved.run.answer, saved.events.map((e) => e.type)]).toEqual(['done', 'first words, last words', ['open', 'content', 'content', 'done']]);
  });

  it('reads the saved list only when asked (the sidebar opens), and then all of it, with the saves asked for before', async () => {
    const { name } = await answered('first');
    const second = page(name);
    twoPanels(second.c);
    await settle();
    await second.history.settled();
    // nothing read at start: a page with a long history opens without reading it
    expect([second.history.listed, second.history.list]).toEqual([false, []]);
    second.c.send('second');
    const read = second.history.refresh();
    await read;
    expect(second.history.listed).toBe(true);
    expect(second.history.list.map((x) => x.turns[0])).toEqual(['second', 'first']);
  });

  it('a renamed or imported comparison is found in storage before the list is read', async () => {
    const { name, c } = await answered('one');
    const second = page(name);
    await second.history.rename(second.c, c.id, 'Renamed unread');
    const json = (await second.history.exportJSON(c.id))!;
    await second.history.importJSON(second.c, json);
    // the import took a new id: the original was in storage, not in the unread list
    expect(second.c.id).not.toBe(c.id);
    await second.history.refresh();
    expect(second.history.list.map((x) => x.title).sort()).toEqual(['Renamed unread', 'Renamed unread']);
  });

  it('keeps a copy of a preference in localStorage, read at once, where the page has one', async () => {
    const copies = new Map<string, string>();
    const storage = { getItem: (k: string) => copies.get(k) ?? null, setItem: (k: string, v: string) => void copies.set(k, v) };
    vi.stubGlobal('localStorage', storage);
    try {
      const { history } = page(`h-${n++}`);
      expect(history.preferenceNow('theme')).toBeUndefined();
      history.setPreference('theme', 'light');
      expect(history.preferenceNow('theme')).toBe('light');
      await history.settled();
      expect(await history.preference('theme')).toBe('light');
    } finally {
      vi.unstubAllGlobals();
    }
    // no localStorage (or one that throws): nothing at once, the database still has it
    expect(page(`h-${n++}`).history.preferenceNow('theme')).toBeUndefined();
  });
});
