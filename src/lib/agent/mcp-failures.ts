// Turns what went wrong while reaching an MCP server into one sentence a person can act on (CORS, a token, a wrong address, a timeout).

export type McpFailureKind = 'url' | 'cors' | 'network' | 'auth' | 'not-found' | 'not-mcp' | 'timeout' | 'http' | 'other';

export class McpFailure extends Error {
  constructor(
    message: string,
    readonly kind: McpFailureKind,
    /** the raw error, for a disclosure */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'McpFailure';
  }
}

export const PROXY_URL = 'http://127.0.0.1:8787';

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A proxy route name for a server: the first word of its host name, else "mcp". */
export function proxyNameOf(url: string): string {
  let word = '';
  try {
    word = new URL(url).hostname.split('.')[0]!.toLowerCase().replace(/[^a-z0-9-]/g, '');
  } catch {
    /* no host, no hint */
  }
  return /^[a-z]/.test(word) && word !== 'localhost' ? word : 'mcp';
}

/** The command that forwards this server through the local proxy, for a page served from `pageOrigin`. */
export function proxyCommand(url: string, pageOrigin: string): string {
  const name = proxyNameOf(url);
  return `npm run proxy -- --mcp ${name}=${url} --origin ${pageOrigin}, then add ${PROXY_URL}/${name} instead`;
}

/** A no-cors request succeeds when the server is up even if it refuses this page: that tells a CORS refusal from "down". */
export async function answersAtAll(url: string): Promise<boolean> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), 3000);
  try {
    await fetch(url, { mode: 'no-cors', signal: stop.signal });
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    // the server may answer a GET with an endless event stream: let it go
    stop.abort();
  }
}

interface Context {
  url: string;
  /** a bearer token was sent */
  withToken: boolean;
  /** where the page is served from, for the proxy's --origin */
  pageOrigin: string;
  /** whether the server answers a no-cors request (asked only when a request failed with no answer) */
  reachable?: (url: string) => Promise<boolean>;
}

/** The sentence for a failed connect or listing. */
export async function connectFailure(err: unknown, ctx: Context): Promise<McpFailure> {
  if (err instanceof McpFailure) return err;
  const host = hostOf(ctx.url);
  const e = err as { name?: string; message?: string; code?: unknown };
  const detail = String(e?.message ?? err);
  const code = typeof e?.code === 'number' ? e.code : undefined;
  const address = 'Check the address: it usually ends in /mcp (or /sse for older servers).';
  if (e?.name === 'UnauthorizedError' || code === 401 || code === 403)
    return new McpFailure(
      ctx.withToken
        ? `${host} refused the bearer token (HTTP ${code ?? 401}). Check the token for this server.`
        : `${host} needs a bearer token (HTTP ${code ?? 401}). Add the server again with its token.`,
      'auth',
      detail,
    );
  if (code === 404) return new McpFailure(`${ctx.url} has no MCP server (HTTP 404). ${address}`, 'not-found', detail);
  if (code === -1 || /unexpected content type/i.test(detail)) return new McpFailure(`${ctx.url} did not answer as an MCP server. ${address}`, 'not-mcp', detail);
  if (code === -32001) return new McpFailure(`${host} did not answer in time. Is it busy or stuck? Reconnect to try again.`, 'timeout', detail);
  if (code !== undefined && code >= 400 && code < 600) return new McpFailure(`${host} refused the connection (HTTP ${code}). ${address}`, 'http', detail);
  if (e?.name === 'TypeError') {
    const reachable = await (ctx.reachable ?? answersAtAll)(ctx.url);
    if (reachable)
      return new McpFailure(`${host} does not allow calls from this page (CORS). Start the proxy: ${proxyCommand(ctx.url, ctx.pageOrigin)}.`, 'cors', detail);
    return new McpFailure(`Could not reach ${ctx.url}. Is the server running, and is the address right? If it runs, it may refuse calls from this page (CORS): ${proxyCommand(ctx.url, ctx.pageOrigin)}.`, 'network', detail);
  }
  return new McpFailure(`Could not connect to ${host}: ${detail}`, 'other', detail);
}

/** What the model reads when a call fails outside the tool (the tool's own errors come back as its text). */
export function callFailureText(err: unknown, serverName: string): string {
  const e = err as { name?: string; message?: string; code?: unknown };
  const message = String(e?.message ?? err).replace(/^MCP error -?\d+: /, '');
  if (e?.code === -32001) return `The tool did not answer in time (${serverName}).`;
  if (e?.name === 'TypeError') return `The MCP server ${serverName} could not be reached: ${message}`;
  if (typeof e?.code === 'number' && e.code >= 400 && e.code < 600)
    return `The MCP server ${serverName} refused the call (HTTP ${e.code}): ${message.replace(/^Streamable HTTP error: (Error POSTing to endpoint: )?/, '')}`;
  return message;
}
