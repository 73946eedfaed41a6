// One connection to an MCP server: Streamable HTTP (the older HTTP+SSE transport as a fallback), its tools page by page, calls that stop when asked. The SDK loads on first use.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { callFailureText, connectFailure, McpFailure } from './mcp-failures.ts';
import { resultText } from './mcp-result.ts';
import type { ToolOutcome } from './tool.ts';

export interface McpToolInfo {
  name: string;
  description: string;
  /** JSON Schema of the arguments */
  inputSchema: Record<string, unknown>;
}

export type McpTransportKind = 'streamable-http' | 'sse';

export interface McpConnection {
  transport: McpTransportKind;
  /** the name the server gives itself at initialize */
  serverName: string;
  tools: McpToolInfo[];
  /**
   * Runs a tool. A tool's error (thrown, or `isError`) is `ok: false` with its text; an abort rejects with the
   * signal's reason. `sessionLost`: the server no longer knows this connection's session (it restarted).
   */
  call(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome & { sessionLost?: boolean }>;
  /** called once if the connection closes without `close()` */
  onclose: (() => void) | null;
  close(): Promise<void>;
}

export interface McpConnectOptions {
  /** sent with every request, e.g. `authorization: Bearer …` */
  headers?: Record<string, string>;
  /** how long the handshake and each page of the tool list may take */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** the page's origin, for the proxy command a CORS refusal suggests */
  pageOrigin?: string;
  /** asked after a request got no answer at all: does the server answer a no-cors request (CORS) or not (down)? */
  reachable?: (url: string) => Promise<boolean>;
}

const CONNECT_TIMEOUT_MS = 20_000;
/** a tool may work for long; progress notifications restart the clock, and Stop ends it whenever */
const CALL_TIMEOUT_MS = 10 * 60_000;
/** a server whose cursors never end must not keep the list growing */
const MAX_PAGES = 50;

type Sdk = Awaited<ReturnType<typeof loadSdk>>;
let sdk: Promise<Sdk> | null = null;

function loadSdk() {
  return Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/client/sse.js'),
  ]).then(([index, streamable, sse]) => ({ Client: index.Client, Streamable: streamable.StreamableHTTPClientTransport, StreamableError: streamable.StreamableHTTPError, Sse: sse.SSEClientTransport }));
}

/**
 * Results are read as untrusted text, never checked against the tool's output schema: the SDK's checker
 * compiles schemas with `new Function`, which the page's Content-Security-Policy forbids.
 */
const acceptAll: jsonSchemaValidator = { getValidator: () => (input) => ({ valid: true, data: input as never, errorMessage: undefined }) };

/** Connects and lists the tools; fails with an McpFailure whose message a person can act on. */
export async function connectMcp(url: string, options: McpConnectOptions = {}): Promise<McpConnection> {
  const ctx = {
    url,
    withToken: Object.keys(options.headers ?? {}).some((h) => h.toLowerCase() === 'authorization'),
    pageOrigin: options.pageOrigin ?? 'http://localhost:5173',
    ...(options.reachable ? { reachable: options.reachable } : {}),
  };
  let target: URL;
  try {
    target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new TypeError('not http');
  } catch {
    throw new McpFailure(`"${url}" is not a web address: an MCP server's looks like https://host/mcp.`, 'url');
  }
  const { Client, Streamable, StreamableError, Sse } = await (sdk ??= loadSdk().catch((err: unknown) => {
    sdk = null;
    throw new McpFailure('The MCP client could not be loaded (the network, or a new version of the app): reload the page.', 'other', String(err));
  }));
  const requestInit: RequestInit = { headers: options.headers ?? {} };
  const timeout = options.timeoutMs ?? CONNECT_TIMEOUT_MS;
  const open = async (transport: InstanceType<typeof Streamable> | InstanceType<typeof Sse>): Promise<Client> => {
    const client = new Client({ name: 'qwen-playground', version: '1' }, { capabilities: {}, jsonSchemaValidator: acceptAll });
    try {
      await client.connect(transport, { timeout, ...(options.signal ? { signal: options.signal } : {}) });
      return client;
    } catch (err) {
      await client.close().catch(() => {});
      throw err;
    }
  };

  let client: Client;
  let kind: McpTransportKind = 'streamable-http';
  try {
    client = await open(new Streamable(target, { requestInit }));
  } catch (first) {
    if (options.signal?.aborted) throw first;
    // an older server answers a Streamable HTTP POST with 4xx (405, 404, 400); a refused token or an unreachable server would refuse SSE too
    const code = first instanceof StreamableError ? first.code : undefined;
    if (code === undefined || code === 401 || code === 403 || !(code === -1 || (code >= 400 && code < 500))) throw await connectFailure(first, ctx);
    try {
      client = await open(new Sse(target, { requestInit }));
      kind = 'sse';
    } catch {
      throw await connectFailure(first, ctx);
    }
  }

  let tools: McpToolInfo[];
  try {
    tools = await listTools(client, timeout, options.signal);
  } catch (err) {
    await client.close().catch(() => {});
    throw await connectFailure(err, ctx);
  }

  const serverName = client.getServerVersion()?.name || target.host;
  let closing = false;
  const connection: McpConnection = {
    transport: kind,
    serverName,
    tools,
    onclose: null,
    async call(name, args, signal) {
      try {
        const result = await client.callTool({ name, arguments: args }, undefined, { signal, timeout: CALL_TIMEOUT_MS, resetTimeoutOnProgress: true });
        return { ok: result.isError !== true, text: resultText(result) };
      } catch (err) {
        if (signal.aborted) throw signal.reason ?? err;
        // Streamable HTTP: a server answers 404 to a session it does not know
        const sessionLost = kind === 'streamable-http' && err instanceof StreamableError && err.code === 404;
        return { ok: false, text: callFailureText(err, serverName), ...(sessionLost ? { sessionLost } : {}) };
      }
    },
    async close() {
      closing = true;
      await client.close().catch(() => {});
    },
  };
  client.onclose = () => {
    if (!closing) connection.onclose?.();
  };
  return connection;
}

async function listTools(client: Client, timeout: number, signal: AbortSignal | undefined): Promise<McpToolInfo[]> {
  const tools: McpToolInfo[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout, ...(signal ? { signal } : {}) });
    for (const t of answer.tools)
      tools.push({ name: t.name, description: t.description ?? t.title ?? '', inputSchema: { ...(t.inputSchema as Record<string, unknown>), type: 'object' } });
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return tools;
}
