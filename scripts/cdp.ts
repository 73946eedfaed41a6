// Chromium driven over the DevTools protocol through a pipe, with only the domains a measurement asks for.
// A Playwright page records all network traffic for its own use, and that recording costs the page's main
// thread time on every streamed chunk (and decodes each body whole at its end): the render benchmark must not
// measure its own instruments.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { chromiumArgs, chromiumPath } from './chromium.ts';

type Params = Record<string, unknown>;
interface Message {
  id?: number;
  method?: string;
  params?: Params;
  result?: Params;
  error?: { message: string };
  sessionId?: string;
}

export class Browser {
  #process: ChildProcess;
  #profileDir: string;
  #out: Writable;
  #nextId = 1;
  #pending = new Map<number, { resolve: (r: Params) => void; reject: (e: Error) => void; method: string }>();
  #listeners = new Set<(m: Message) => void>();

  private constructor(process: ChildProcess, profileDir: string) {
    this.#process = process;
    this.#profileDir = profileDir;
    this.#out = process.stdio[3] as Writable;
    let buffer = '';
    (process.stdio[4] as Readable).on('data', (data: Buffer) => {
      buffer += data.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\0')) >= 0) {
        this.#receive(JSON.parse(buffer.slice(0, end)) as Message);
        buffer = buffer.slice(end + 1);
      }
    });
  }

  static async launch(): Promise<Browser> {
    const profileDir = mkdtempSync(join(tmpdir(), 'qwen-playground-bench-'));
    // the page under test is the one in front: a renderer taken for a background tab gets less of the CPU
    const foreground = ['--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows', '--disable-background-timer-throttling'];
    const child = spawn(chromiumPath(), [...chromiumArgs(), ...foreground, '--headless', '--remote-debugging-pipe', `--user-data-dir=${profileDir}`, '--no-startup-window'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
    });
    const browser = new Browser(child, profileDir);
    await browser.send('Browser.getVersion');
    return browser;
  }

  send<T = Params>(method: string, params: Params = {}, sessionId?: string): Promise<T> {
    const id = this.#nextId++;
    this.#out.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return new Promise<T>((resolve, reject) => this.#pending.set(id, { resolve: resolve as (r: Params) => void, reject, method }));
  }

  /** Calls `handler` for every event until it returns true. */
  until(handler: (m: Message) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const listener = (m: Message) => {
        if (!handler(m)) return;
        this.#listeners.delete(listener);
        resolve();
      };
      this.#listeners.add(listener);
    });
  }

  async newPage(width: number, height: number): Promise<Page> {
    const { targetId } = await this.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, targetId, sessionId);
    await page.send('Page.enable');
    await page.send('Page.bringToFront');
    await page.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    return page;
  }

  /**
   * CPU seconds used so far by the browser and each process under it (renderers, GPU, network), by process
   * id, from /proc: what the page costs the whole machine, whichever thread it runs on and however long it
   * waited for a core. Null where there is no /proc (not Linux). See `cpuSecondsSince`.
   */
  cpuSeconds(): Map<number, number> | null {
    const stats = new Map<number, { ppid: number; ticks: number }>();
    try {
      for (const name of readdirSync('/proc')) {
        if (!/^\d+$/.test(name)) continue;
        try {
          // the fields after the command name, which may hold spaces: state, ppid, … utime (14th), stime (15th)
          const fields = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
          stats.set(Number(name), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
        } catch {
          /* gone meanwhile */
        }
      }
    } catch {
      return null;
    }
    const mine = new Set([this.#process.pid!]);
    // the tree under the browser: zygotes, and the renderers they start
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, { ppid }] of stats) {
        if (mine.has(pid) || !mine.has(ppid)) continue;
        mine.add(pid);
        grew = true;
      }
    }
    // ticks of 1/100 s: USER_HZ is 100 on Linux
    return new Map([...mine].map((pid) => [pid, (stats.get(pid)?.ticks ?? 0) / 100]));
  }

  /**
   * CPU seconds the browser's processes used since `before` (from `cpuSeconds`): each process's own
   * growth, so that one that ended meanwhile (the last page's renderer) takes nothing away. NaN without /proc.
   */
  cpuSecondsSince(before: Map<number, number> | null): number {
    const now = this.cpuSeconds();
    if (!before || !now) return NaN;
    return [...now].reduce((sum, [pid, seconds]) => sum + seconds - (before.get(pid) ?? 0), 0);
  }

  async close(): Promise<void> {
    await this.send('Browser.close').catch(() => undefined);
    await new Promise((resolve) => (this.#process.exitCode !== null ? resolve(null) : this.#process.once('exit', resolve)));
    rmSync(this.#profileDir, { recursive: true, force: true });
  }

  #receive(m: Message): void {
    if (m.id === undefined) return this.#listeners.forEach((l) => l(m));
    const call = this.#pending.get(m.id);
    this.#pending.delete(m.id);
    if (m.error) call?.reject(new Error(`${call.method}: ${m.error.message}`));
    else call?.resolve(m.result ?? {});
  }
}

export class Page {
  constructor(
    readonly browser: Browser,
    readonly targetId: string,
    readonly sessionId: string,
  ) {}

  send<T = Params>(method: string, params: Params = {}): Promise<T> {
    return this.browser.send<T>(method, params, this.sessionId);
  }

  /** Evaluates an expression in the page (awaiting a promise) and returns its value. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send<{ result: { value: T }; exceptionDetails?: { exception?: { description?: string }; text: string } }>('Runtime.evaluate', {
      expression,
      awaitPromise: true,
      returnByValue: true,
    });
    if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
    return r.result.value;
  }

  async goto(url: string): Promise<void> {
    await this.send('Page.navigate', { url });
  }

  /** Polls until `expression` is truthy in the page. */
  async waitFor(expression: string, timeoutMs: number, intervalMs = 100): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await this.evaluate<boolean>(`!!(${expression})`).catch(() => false))) {
      if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${expression}`);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  async press(key: 'Enter'): Promise<void> {
    const event = { key, code: key, windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 };
    await this.send('Input.dispatchKeyEvent', { type: 'keyDown', text: '\r', ...event });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', ...event });
  }

  async close(): Promise<void> {
    await this.browser.send('Target.closeTarget', { targetId: this.targetId });
  }
}
