// One MCP server as the page sees it: its status, its tools each on or off, what their schemas cost, and its bearer token (in memory unless remembered).
import { connectMcp, type McpConnection, type McpToolInfo, type McpTransportKind } from '../agent/mcp-client.ts';
import { hostOf, McpFailure } from '../agent/mcp-failures.ts';
import type { ToolOutcome } from '../agent/tool.ts';
import type { SavedMcpServer } from '../storage/mcp-servers.ts';

export type McpStatus = 'connecting' | 'connected' | 'failed' | 'disconnected';

/** An estimate (about 4 characters a token) of what a tool's schema costs in the prompt: there is no Qwen tokenizer in the page. */
export function schemaTokens(tool: McpToolInfo): number {
  return Math.ceil(JSON.stringify({ name: tool.name, description: tool.description, parameters: tool.inputSchema }).length / 4);
}

export class McpServer {
  readonly id: string;
  readonly url: string;
  status = $state<McpStatus>('disconnected');
  /** why it failed or went away, as a sentence a person can act on */
  problem = $state<string | null>(null);
  /** the raw error behind `problem` */
  detail = $state<string | null>(null);
  /** the name the server gives itself, its host until it has said */
  name = $state('');
  transport = $state<McpTransportKind | null>(null);
  tools = $state.raw<McpToolInfo[]>([]);
  /** tools switched off, by the server's names */
  disabled = $state.raw<readonly string[]>([]);
  bearer = $state('');
  rememberKey = $state(false);

  /** the tools switched on */
  readonly on = $derived(this.tools.filter((t) => !this.disabled.includes(t.name)));
  /** estimated tokens the enabled tools' schemas take in every request */
  readonly tokens = $derived(this.on.reduce((sum, t) => sum + schemaTokens(t), 0));

  #connection: McpConnection | null = null;
  #attempt: Promise<void> | null = null;
  #stop: AbortController | null = null;
  readonly #pageOrigin: string;

  constructor(saved: SavedMcpServer, pageOrigin: string) {
    this.id = saved.id;
    this.url = saved.url;
    this.name = hostOf(saved.url);
    this.bearer = saved.bearer ?? '';
    this.rememberKey = saved.rememberKey;
    this.disabled = saved.disabled;
    this.#pageOrigin = pageOrigin;
  }

  /** whether a connection was ever tried since the page opened */
  get tried(): boolean {
    return this.#attempt !== null;
  }

  /** What storage keeps (the storage module drops the token unless it is to be remembered). */
  get saved(): SavedMcpServer {
    return { id: this.id, url: this.url, rememberKey: this.rememberKey, disabled: [...this.disabled], ...(this.bearer ? { bearer: this.bearer } : {}) };
  }

  /** (Re)connects and lists the tools; never rejects: a failure is `status` and `problem`. */
  connect(): Promise<void> {
    this.close();
    const stop = (this.#stop = new AbortController());
    this.status = 'connecting';
    this.problem = this.detail = null;
    const headers: Record<string, string> = this.bearer ? { authorization: `Bearer ${this.bearer}` } : {};
    const attempt = connectMcp(this.url, { headers, signal: stop.signal, pageOrigin: this.#pageOrigin }).then(
      (connection) => {
        if (stop.signal.aborted) return void connection.close();
        this.#connection = connection;
        connection.onclose = () => {
          if (this.#connection !== connection) return;
          this.#connection = null;
          this.status = 'disconnected';
          this.problem = 'The server closed the connection: reconnect to use its tools again.';
        };
        this.name = connection.serverName;
        this.transport = connection.transport;
        this.tools = connection.tools;
        this.status = 'connected';
      },
      (err: unknown) => {
        if (stop.signal.aborted) return;
        const failure = err instanceof McpFailure ? err : new McpFailure(`Could not connect to ${hostOf(this.url)}: ${(err as Error)?.message ?? err}`, 'other');
        this.status = 'failed';
        this.problem = failure.message;
        this.detail = failure.detail ?? null;
      },
    );
    this.#attempt = attempt;
    return attempt;
  }

  /** Resolves once the latest connection attempt (and any that replaced it meanwhile) has settled. */
  async settled(): Promise<void> {
    for (let attempt = this.#attempt; attempt; ) {
      await attempt;
      if (attempt === this.#attempt) return;
      attempt = this.#attempt;
    }
  }

  /** Calls one of its tools by the server's name for it; a server that restarted and forgot the session is reconnected once. */
  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
    const connection = this.#connection;
    if (!connection) return this.#notConnected();
    const { sessionLost, ...outcome } = await connection.call(tool, args, signal);
    if (!sessionLost) return outcome;
    if (this.#connection === connection) await this.connect();
    else await this.settled();
    return this.#connection ? this.#connection.call(tool, args, signal).then(({ sessionLost: _, ...again }) => again) : this.#notConnected();
  }

  #notConnected(): ToolOutcome {
    return { ok: false, text: `The MCP server ${this.name} is not connected${this.problem ? `: ${this.problem}` : '.'}` };
  }

  setEnabled(tool: string, on: boolean): void {
    const rest = this.disabled.filter((t) => t !== tool);
    this.disabled = on ? rest : [...rest, tool];
  }

  setAll(on: boolean): void {
    this.disabled = on ? [] : this.tools.map((t) => t.name);
  }

  /** Ends the connection (and a connection attempt under way). */
  close(): void {
    this.#stop?.abort();
    this.#stop = null;
    const connection = this.#connection;
    this.#connection = null;
    void connection?.close();
    if (this.status === 'connected' || this.status === 'connecting') this.status = 'disconnected';
  }
}
