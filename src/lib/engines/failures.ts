// Turns HTTP errors, network failures and server error bodies into sentences a person can act on.
import type { ErrorKind, StreamEvent } from '../stream/events.ts';
import { errorMessage } from '../stream/normalize.ts';

type ErrorEvent = Extract<StreamEvent, { type: 'error' }>;

export function hostOf(baseURL: string): string {
  try {
    return new URL(baseURL).host;
  } catch {
    return baseURL;
  }
}

/** An HTTP error answer: status, the parsed body (or its text) and the Retry-After header when readable. */
export function httpFailure(status: number, body: unknown, retryAfter: string | null, baseURL: string, model: string, at: number): ErrorEvent {
  const host = hostOf(baseURL);
  const said = body === undefined || body === null || body === '' ? '' : errorMessage(body);
  const detail = typeof body === 'string' ? body : JSON.stringify(body);
  const retryAfterS = parseRetryAfter(retryAfter);
  let kind: ErrorKind = 'http';
  let message: string;
  if (status === 401 || status === 403) {
    kind = 'auth';
    message = `The API key is missing or wrong for ${host} (HTTP ${status}). Check the key set for this endpoint.`;
  } else if (status === 404) {
    kind = 'not-found';
    message = `${host} does not know the model "${model}", or the base URL is wrong (HTTP 404). Check the model name and that the base URL ends in /v1.`;
  } else if (status === 429) {
    kind = 'rate-limit';
    message = `${host} is rate limiting requests (HTTP 429). ${retryAfterS !== undefined ? `Retry in ${retryAfterS} s.` : 'Wait a moment, then retry.'}`;
  } else if (status >= 500) {
    kind = 'server';
    message = `${host} failed (HTTP ${status})${said ? `: ${said}` : '.'}`;
  } else {
    message = `${host} refused the request (HTTP ${status})${said ? `: ${said}` : '.'}`;
  }
  return { type: 'error', kind, message, detail, status, ...(retryAfterS !== undefined ? { retryAfterS } : {}), at };
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** A no-cors request succeeds when the server is up, even if it refuses this page: that tells CORS from "down". */
export async function isReachable(baseURL: string): Promise<boolean> {
  try {
    await fetch(`${baseURL.replace(/\/+$/, '')}/models`, { mode: 'no-cors', signal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Nothing came back. `reachable` tells a CORS refusal (the server answers, but not to this page)
 * from a server that is down or a wrong address.
 */
export function networkFailure(baseURL: string, reachable: boolean | null, detail: string, at: number): ErrorEvent {
  const host = hostOf(baseURL);
  const proxy = `Start the proxy: npm run proxy -- --upstream nim=${baseURL.replace(/\/+$/, '')}, then use http://127.0.0.1:8787/nim/v1 as the base URL.`;
  let message: string;
  if (host.endsWith('api.nvidia.com')) message = `${host} does not allow calls from web pages (CORS). ${proxy}`;
  else if (reachable)
    message = `${host} answers, but does not allow calls from this page (CORS). For vLLM add --allowed-origins '["${pageOrigin()}"]'; otherwise go through the proxy (npm run proxy).`;
  else message = `Could not reach ${baseURL}. Is the server running, and is the address right? If it runs, it may also refuse calls from this page (CORS).`;
  return { type: 'error', kind: 'network', message, detail, at };
}

function pageOrigin(): string {
  return typeof location === 'undefined' ? 'http://localhost:5173' : location.origin;
}

export function stallFailure(seconds: number, at: number): ErrorEvent {
  return { type: 'error', kind: 'stalled', message: `The server sent nothing for ${seconds} s, so the request was stopped. The text so far is kept.`, at };
}

export function droppedFailure(detail: string, at: number): ErrorEvent {
  return { type: 'error', kind: 'dropped', message: 'The connection broke while the answer was streaming. The text so far is kept.', detail, at };
}

/** A failure that escaped an engine, which turns every expected one into an event: a bug, shown rather than swallowed. */
export function appFailure(err: unknown, at: number): ErrorEvent {
  return { type: 'error', kind: 'protocol', message: `Something went wrong in the app: ${(err as Error).message}`, detail: (err as Error).stack, at };
}
