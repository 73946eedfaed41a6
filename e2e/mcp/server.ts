// An MCP test server: the SDK's server over Streamable HTTP (or the older SSE transport), CORS on or off, a bearer check, tools that succeed, fail and hang.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, isInitializeRequest, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';

export interface McpTestOptions {
  /** the name the server gives itself at initialize (the app prefixes clashing tool names with it) */
  name?: string;
  /** answer with CORS headers (any origin), as a server made for pages does; off, a page's calls are refused */
  cors?: boolean;
  /** a bearer token every request must carry */
  token?: string;
  /** tools per tools/list page: more tools than this need a second page */
  pageSize?: number;
  /** speak only the older HTTP+SSE transport (GET /sse, POST /messages): a Streamable HTTP POST gets 405 */
  legacySse?: boolean;
}

export interface McpTestServer {
  /** the MCP endpoint: `<origin>/mcp`, or `<origin>/sse` for the legacy transport */
  url: string;
  /** every tools/call in order, by tool name */
  calls: string[];
  /** tools/call requests the client cancelled (notifications/cancelled), by tool name */
  cancelled: string[];
  /** the Authorization header of every request, in order */
  authorizations: (string | undefined)[];
  /** forgets every session, as a restarted server would */
  forgetSessions(): void;
  close(): Promise<void>;
}

export const TEST_TOOLS: Tool[] = [
  {
    name: 'add',
    description: 'Adds two numbers.',
    inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
  },
  { name: 'echo', description: 'Returns the text it is given.', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } },
  { name: 'fail', description: 'Always throws.', inputSchema: { type: 'object', properties: {} } },
  { name: 'refuse', description: 'Always answers with an error result.', inputSchema: { type: 'object', properties: {} } },
  { name: 'wait_forever', description: 'Never answers.', inputSchema: { type: 'object', properties: {} } },
  { name: 'picture', description: 'Answers with an image, a resource and some text.', inputSchema: { type: 'object', properties: {} } },
];

const ALLOWED_HEADERS = 'content-type, authorization, mcp-session-id, mcp-protocol-version, last-event-id';

/** Starts on 127.0.0.1 on a free port. */
export async function startMcpServer(options: McpTestOptions = {}): Promise<McpTestServer> {
  const calls: string[] = [];
  const cancelled: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const sessions = new Map<string, StreamableHTTPServerTransport | SSEServerTransport>();
  const pageSize = options.pageSize ?? 4;

  function mcpServer(): Server {
    const server = new Server({ name: options.name ?? 'test-tools', version: '1.0.0' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, (request) => {
      const from = Number(request.params?.cursor ?? 0);
      const next = from + pageSize;
      return { tools: TEST_TOOLS.slice(from, next), ...(next < TEST_TOOLS.length ? { nextCursor: String(next) } : {}) };
    });
    server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
      const { name, arguments: args = {} } = request.params;
      calls.push(name);
      switch (name) {
        case 'add':
          return { content: [{ type: 'text', text: String(Number(args.a) + Number(args.b)) }] };
        case 'echo':
          return { content: [{ type: 'text', text: String(args.text) }] };
        case 'fail':
          throw new Error('The fail tool always fails.');
        case 'refuse':
          return { isError: true, content: [{ type: 'text', text: 'Refused: this tool never does anything.' }] };
        case 'wait_forever':
          return new Promise((_, reject) =>
            extra.signal.addEventListener('abort', () => {
              cancelled.push(name);
              reject(new Error('cancelled'));
            }),
          );
        case 'picture':
          return {
            content: [
              { type: 'text', text: 'A red dot:' },
              { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
              { type: 'resource', resource: { uri: 'file:///notes.txt', mimeType: 'text/plain', text: '<b>not bold</b>' } },
              { type: 'resource_link', uri: 'https://example.com/report.pdf', name: 'report.pdf' },
            ],
          };
        default:
          throw new Error(`Unknown tool ${name}`);
      }
    });
    return server;
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (options.cors) {
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('access-control-expose-headers', 'mcp-session-id');
    }
    if (req.method === 'OPTIONS') {
      if (options.cors) {
        res.setHeader('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS');
        res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
      }
      return void res.writeHead(204).end();
    }
    authorizations.push(req.headers.authorization);
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`)
      return void res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end('{"error":"unauthorized"}');
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (options.legacySse) return legacy(req, res, path);
    if (path !== '/mcp') return void res.writeHead(404).end();

    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const id = req.headers['mcp-session-id'];
    const known = typeof id === 'string' ? sessions.get(id) : undefined;
    if (known instanceof StreamableHTTPServerTransport) return known.handleRequest(req, res, body);
    if (req.method !== 'POST' || !isInitializeRequest(body))
      return void res.writeHead(id ? 404 : 400, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","error":{"code":-32000,"message":"No such session"},"id":null}');
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sid) => void sessions.set(sid, transport),
    });
    transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
    await mcpServer().connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async function legacy(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === '/sse' && req.method === 'GET') {
      const transport = new SSEServerTransport('/messages', res);
      sessions.set(transport.sessionId, transport);
      res.on('close', () => sessions.delete(transport.sessionId));
      return mcpServer().connect(transport);
    }
    if (path === '/messages' && req.method === 'POST') {
      const sid = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('sessionId') ?? '';
      const transport = sessions.get(sid);
      if (!(transport instanceof SSEServerTransport)) return void res.writeHead(404).end('No such session');
      return transport.handlePostMessage(req, res, await readJson(req));
    }
    res.writeHead(405, { allow: 'GET' }).end('Method not allowed');
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url: `${origin}${options.legacySse ? '/sse' : '/mcp'}`,
    calls,
    cancelled,
    authorizations,
    forgetSessions: () => sessions.clear(),
    close: async () => {
      await Promise.allSettled([...sessions.values()].map((t) => t.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => {
      try {
        resolve(parts.length ? JSON.parse(Buffer.concat(parts).toString()) : undefined);
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}
