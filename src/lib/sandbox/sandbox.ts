// Runs model-written code in a fresh opaque-origin iframe (public/sandbox.html) and removes the frame to end it, whatever the code does.
import type { ToolOutcome } from '../agent/tool.ts';

/** The wall-clock limit of one run of code (ms). */
export const TIME_LIMIT_MS = 5000;
/** How long the sandbox page may take to load before the run counts as failed (ms). */
const LOAD_LIMIT_MS = 10_000;

/** `thrown`: the code threw (or rejected) `error`, as opposed to the sandbox failing */
type Done = { ok: boolean; value?: string; error?: string; thrown?: boolean; timedOut?: boolean };
type Message = { type: 'ready' } | { type: 'log'; level: string; text: string } | ({ type: 'done' } & Done);

/** Runs `code`; the outcome holds the console output and the result (or the error), as the model reads it. */
export function runInSandbox(code: string, signal: AbortSignal, timeLimitMs = TIME_LIMIT_MS): Promise<ToolOutcome> {
  const frame = document.createElement('iframe');
  // scripts only: no same origin (so no storage, cookies or page), no forms, popups or navigation of the page
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.title = 'Code sandbox';
  frame.style.display = 'none';
  frame.src = new URL('sandbox.html', document.baseURI).href;
  const logs: string[] = [];
  return new Promise((resolve) => {
    let timer = setTimeout(() => finish({ ok: false, text: 'Error: the code sandbox did not start.' }), LOAD_LIMIT_MS);
    const finish = (outcome: ToolOutcome) => {
      clearTimeout(timer);
      removeEventListener('message', onMessage);
      signal.removeEventListener('abort', onAbort);
      // removing the frame ends its document and its worker: the kill that always works
      frame.remove();
      resolve(outcome);
    };
    const onAbort = () => finish(report(logs, { ok: false, error: 'Stopped: the run was ended.' }));
    const onMessage = (e: MessageEvent) => {
      if (e.source !== frame.contentWindow || typeof e.data !== 'object' || e.data === null) return;
      const m = e.data as Message;
      if (m.type === 'ready') {
        clearTimeout(timer);
        // the frame's own limit ends the worker; this one ends the frame, should the frame not answer
        timer = setTimeout(() => finish(report(logs, { ok: false, timedOut: true }, timeLimitMs)), timeLimitMs + 1000);
        frame.contentWindow?.postMessage({ code, timeLimitMs }, '*');
      } else if (m.type === 'log') logs.push(m.level === 'log' || m.level === 'info' ? String(m.text) : `[${m.level}] ${String(m.text)}`);
      else if (m.type === 'done') finish(report(logs, m, timeLimitMs));
    };
    if (signal.aborted) return resolve({ ok: false, text: 'Stopped: the run was ended.' });
    signal.addEventListener('abort', onAbort);
    addEventListener('message', onMessage);
    document.body.append(frame);
  });
}

/** The text the model reads: console output first, then the result or the error. */
export function report(logs: string[], done: Done, timeLimitMs = TIME_LIMIT_MS): ToolOutcome {
  const parts: string[] = [];
  if (logs.length) parts.push(`Console output:\n${logs.join('\n')}`);
  if (done.ok) parts.push(`Result: ${done.value ?? 'undefined'}`);
  else if (done.timedOut) parts.push(`Error: the code ran longer than ${timeLimitMs / 1000} s and was stopped.`);
  else if (done.thrown) parts.push(`Uncaught ${done.error}`);
  else parts.push(`Error: ${done.error ?? 'the code failed'}`);
  return { ok: done.ok, text: parts.join('\n\n') };
}
