// The page's main-thread tasks from a Chromium trace (category toplevel): wall time against time on a core,
// which on a machine short of cores tells the page's own work from waiting for one.
import type { LongFrame } from './long-frames.ts';

export interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

export interface LongTasks {
  count: number;
  onCore: number;
  allOnCore: number;
  cpuOver50: number;
  cpuWorst: number;
}

const markTs = (events: TraceEvent[], name: string) => events.find((e) => e.name === name && e.ph !== 'M')?.ts ?? NaN;

/** Every task of the page's main thread: the renderer's main thread that worked the most between the two marks. */
function pageTasks(events: TraceEvent[], from: number, to: number): TraceEvent[] {
  const mainThreads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const tasks = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const thread = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || e.name !== 'ThreadControllerImpl::RunTask' || !mainThreads.has(thread)) continue;
    if (!tasks.has(thread)) tasks.set(thread, []);
    tasks.get(thread)!.push(e);
  }
  const wall = (ts: TraceEvent[]) => ts.reduce((sum, t) => sum + (t.ts >= from && t.ts <= to ? (t.dur ?? 0) : 0), 0);
  return [...tasks.values()].sort((a, b) => wall(b) - wall(a))[0] ?? [];
}

/**
 * The page's main-thread tasks over 50 ms between the marks `bench-start` and `bench-end` (not the page
 * load before, nor the profilers stopping after), and the share of their time the thread ran on a core (its
 * CPU time over its wall time), beside that share for all its tasks. On a machine short of cores the rest is
 * the thread waiting for one: a long frame there is the machine's as much as the page's. Then the tasks
 * whose CPU time alone passes 50 ms, and the longest: the page's own share of its long frames.
 */
export function pageLongTasks(events: TraceEvent[], debug = false): LongTasks {
  const [from, to] = [markTs(events, 'bench-start'), markTs(events, 'bench-end')];
  const page = pageTasks(events, from, to).filter((t) => t.ts >= from && t.ts <= to);
  const wall = (ts: TraceEvent[]) => ts.reduce((sum, t) => sum + (t.dur ?? 0), 0);
  const long = page.filter((t) => (t.dur ?? 0) > 50_000);
  const onCore = (ts: TraceEvent[]) => (ts.length ? ts.reduce((sum, t) => sum + (t.tdur ?? 0), 0) / wall(ts) : NaN);
  // what the page's own work would take with a core to itself
  const cpu = page.map((t) => (t.tdur ?? 0) / 1000);
  if (debug) for (const t of page.filter((t) => (t.tdur ?? 0) > 40_000)) console.log(`  task at ${((t.ts - from) / 1e6).toFixed(2)} s: ${((t.dur ?? 0) / 1000).toFixed(0)} ms, CPU ${((t.tdur ?? 0) / 1000).toFixed(0)} ms`);
  return { count: long.length, onCore: onCore(long), allOnCore: onCore(page), cpuOver50: cpu.filter((ms) => ms > 50).length, cpuWorst: Math.max(0, ...cpu) };
}

/**
 * Gives each long frame the CPU time of the page's main-thread tasks that began in it: a frame of 150 ms
 * with 20 ms on a core waited for one; with 140 ms it is the page's own work. `benchStartAt` is the page
 * time of the mark `bench-start`, which ties the trace's clock to the page's.
 */
export function frameCpu(frames: LongFrame[], events: TraceEvent[], benchStartAt: number): void {
  const anchor = markTs(events, 'bench-start');
  const tasks = pageTasks(events, anchor, markTs(events, 'bench-end'));
  const pageTime = (ts: number) => benchStartAt + (ts - anchor) / 1000;
  for (const f of frames) {
    const inFrame = tasks.filter((t) => pageTime(t.ts) >= f.start - 0.5 && pageTime(t.ts) < f.start + f.duration);
    f.cpu = inFrame.reduce((sum, t) => sum + (t.tdur ?? 0), 0) / 1000;
  }
}
