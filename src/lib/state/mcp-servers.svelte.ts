// The person's MCP servers: add, reconnect, remove, saved on this device; the tools they switched on, offered to the agent as one ToolSource.
import type { IDBPDatabase } from 'idb';
import { callNames } from '../agent/tool-names.ts';
import type { AgentTool, ToolSource } from '../agent/tool.ts';
import type { PlaygroundDB } from '../storage/db.ts';
import { loadMcpServers, saveMcpServers } from '../storage/mcp-servers.ts';
import { McpServer } from './mcp-server.svelte.ts';

export { McpServer, schemaTokens, type McpStatus } from './mcp-server.svelte.ts';

/** Two addresses name the same server whatever their trailing slashes. */
export function sameServerURL(a: string, b: string): boolean {
  return a.trim().replace(/\/+$/, '') === b.trim().replace(/\/+$/, '');
}

export interface AddOptions {
  bearer?: string;
  /** keep the token on this device (IndexedDB); without it the token lives until the tab closes */
  rememberKey?: boolean;
}

export class McpServers implements ToolSource {
  list = $state.raw<McpServer[]>([]);
  /** why saving does not work here, when it does not */
  error = $state<string | null>(null);
  /** names other tools already have (the built-ins): an MCP tool with one of them gets its server's prefix */
  reserved: readonly string[] = [];
  /** the saved servers are in `list` */
  readonly loaded: Promise<void>;

  /** server id → the server's tool name → the name the model sees */
  readonly #names = $derived(
    callNames(
      this.list.filter((s) => s.status === 'connected').map((s) => ({ key: s.id, prefix: s.name, tools: s.tools.map((t) => t.name) })),
      this.reserved,
    ),
  );
  #db: Promise<IDBPDatabase<PlaygroundDB> | null>;
  #pending: Promise<unknown> = Promise.resolve();
  #saving: Promise<void> = Promise.resolve();
  readonly #pageOrigin: string;

  constructor(open: () => Promise<IDBPDatabase<PlaygroundDB>> = () => Promise.reject(new Error('Saving is not available here.')), pageOrigin = 'http://localhost:5173') {
    this.#pageOrigin = pageOrigin;
    this.#db = open().catch((err: unknown) => {
      this.error = (err as Error).message;
      return null;
    });
    this.loaded = this.#db.then(async (db) => {
      const saved = db ? await loadMcpServers(db).catch(() => []) : [];
      // a server added before storage answered stays, and is not listed twice
      const fresh = saved.filter((s) => !this.list.some((l) => sameServerURL(l.url, s.url)));
      this.list = [...fresh.map((s) => new McpServer(s, this.#pageOrigin)), ...this.list];
    });
  }

  byURL(url: string): McpServer | undefined {
    return this.list.find((s) => sameServerURL(s.url, url));
  }

  /** Adds a server (or finds the one with this address) and connects it; its tools start switched on. */
  add(url: string, options: AddOptions = {}): McpServer {
    let server = this.byURL(url);
    if (server) {
      if (options.bearer !== undefined) server.bearer = options.bearer;
      if (options.rememberKey !== undefined) server.rememberKey = options.rememberKey;
    } else {
      server = new McpServer({ id: crypto.randomUUID(), url: url.trim(), bearer: options.bearer ?? '', rememberKey: options.rememberKey ?? false, disabled: [] }, this.#pageOrigin);
      this.list = [...this.list, server];
    }
    void server.connect();
    void this.save();
    return server;
  }

  /** `&mcp=<URL>`: connects each server (a saved one with its saved token) with all its tools on; `ready()` waits for it. */
  fromLink(urls: string[]): void {
    if (urls.length === 0) return;
    const done = this.loaded.then(() => {
      for (const url of urls) this.add(url).setAll(true);
      void this.save();
    });
    this.#pending = Promise.all([this.#pending, done]);
  }

  /** Switches one tool on or off, and saves the choice. */
  toggle(server: McpServer, tool: string, on: boolean): Promise<void> {
    server.setEnabled(tool, on);
    return this.save();
  }

  /** Switches all of a server's tools on or off, and saves the choice. */
  toggleAll(server: McpServer, on: boolean): Promise<void> {
    server.setAll(on);
    return this.save();
  }

  async remove(server: McpServer): Promise<void> {
    server.close();
    this.list = this.list.filter((s) => s !== server);
    await this.save();
  }

  /** Connects the saved servers not yet tried since the page opened (they wait until they are needed). */
  connectSaved(): void {
    for (const server of this.list) if (!server.tried) void server.connect();
  }

  /** The name the model sees for one of a server's tools (its own, or with the server's name before it on a clash). */
  callName(server: McpServer, tool: string): string {
    return this.#names.get(server.id)?.get(tool) ?? tool;
  }

  enabled(): AgentTool[] {
    return this.list.flatMap((server) =>
      server.status !== 'connected'
        ? []
        : server.on.map(
            (tool): AgentTool => ({
              name: this.callName(server, tool.name),
              description: tool.description,
              parameters: tool.inputSchema,
              origin: server.url,
              run: (args, signal) => server.call(tool.name, args, signal),
            }),
          ),
    );
  }

  /** Resolves once every server (those from the link, and the saved ones) has connected and listed its tools, or failed. */
  async ready(): Promise<void> {
    await this.loaded;
    await this.#pending.catch(() => {});
    this.connectSaved();
    await Promise.all(this.list.map((s) => s.settled()));
  }

  /** Writes the list (tokens only where the person chose to remember them), after the saved one is read and after earlier writes. */
  save(): Promise<void> {
    this.#saving = this.#saving.then(async () => {
      await this.loaded;
      const db = await this.#db;
      if (!db) return;
      try {
        await saveMcpServers(db, this.list.map((s) => s.saved));
        this.error = null;
      } catch (err) {
        this.error = (err as Error).message;
      }
    });
    return this.#saving;
  }

  /** Ends every connection (the page is going away). */
  closeAll(): void {
    for (const server of this.list) server.close();
  }
}
