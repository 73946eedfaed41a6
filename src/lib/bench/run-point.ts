// Runs one sweep point against one endpoint: requests (or conversations) sent on schedule within the concurrency, every one recorded.
import { HostLimiter, Slots } from './limiter.ts';
import { runConversation } from './conversation.ts';
import { sendRequest } from './request.ts';
import type { BenchApi, BenchEndpoint, BenchPrompt, RequestRecord } from './types.ts';

export interface PointRun {
  records: RequestRecord[];
  startedAt: number;
  endedAt: number;
  /** requests really open, as [ms since start, count] at every change */
  inflight: Array<[number, number]>;
  cancelled: boolean;
}

export interface PointOptions {
  endpoint: BenchEndpoint;
  api: BenchApi;
  prompts: BenchPrompt[];
  /** ms from the start at which each request is due (all 0 for "as fast as the concurrency allows") */
  arrivals: number[];
  concurrency: number;
  limiter: HostLimiter;
  signal: AbortSignal;
  onRequestDone?: (record: RequestRecord, done: number) => void;
  onInflight?: (at: number, count: number) => void;
  onTokens?: (at: number, tokens: number) => void;
  fetch?: typeof fetch;
}

const now = () => performance.now();

function sleepUntil(at: number, signal: AbortSignal): Promise<void> {
  const ms = at - now();
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function runPoint(o: PointOptions): Promise<PointRun> {
  const workload = new Slots(o.concurrency);
  const host = o.limiter.slotsFor(o.endpoint.baseURL);
  const records: RequestRecord[] = [];
  const inflight: Array<[number, number]> = [[0, 0]];
  const pending: Promise<void>[] = [];
  let open = 0;
  const startedAt = now();
  const change = (delta: number) => {
    open += delta;
    const at = now();
    inflight.push([at - startedAt, open]);
    o.onInflight?.(at, open);
  };

  for (let i = 0; i < o.prompts.length; i++) {
    // absolute times: a late request does not push the next one back
    await sleepUntil(startedAt + o.arrivals[i]!, o.signal);
    try {
      await workload.acquire(o.signal);
    } catch {
      break;
    }
    if (o.signal.aborted) break;
    const dueAt = now();
    const prompt = o.prompts[i]!;
    const done = (record: RequestRecord) => {
      records.push(record);
      o.onRequestDone?.(record, records.length);
    };
    // a request holds a connection of the host's while it is open; a conversation holds its workload slot throughout
    const acquire = async () => {
      try {
        await host.acquire(o.signal);
        return true;
      } catch {
        return false;
      }
    };
    pending.push(
      (async () => {
        let sent = false;
        const common = {
          endpoint: o.endpoint,
          api: o.api,
          signal: o.signal,
          fetch: o.fetch,
          onTokens: o.onTokens,
          onSent: () => {
            sent = true;
            change(+1);
          },
        };
        if (prompt.followUps?.length) {
          await runConversation({
            ...common,
            prompt,
            dueAt,
            acquire,
            release: () => {
              if (sent) change(-1);
              sent = false;
              host.release();
            },
            onRecord: done,
          });
          workload.release();
          return;
        }
        if (!(await acquire())) return workload.release();
        const record = await sendRequest({ ...common, prompt, dueAt });
        if (sent) change(-1);
        host.release();
        workload.release();
        done(record);
      })(),
    );
  }
  await Promise.all(pending);
  const endedAt = records.reduce((t, r) => Math.max(t, r.endAt), startedAt);
  return { records, startedAt, endedAt, inflight, cancelled: o.signal.aborted };
}
