// What an agent can call: a built-in tool or an MCP server's, behind one interface the loop runs.

/** What a tool gave back. Untrusted text: shown through the sanitizer, never as HTML. */
export interface ToolOutcome {
  ok: boolean;
  /** the text the model reads (the result, or the error it can correct itself from) */
  text: string;
}

export interface AgentTool {
  /** unique among the enabled tools (an MCP tool whose name clashes gets its server's name as a prefix) */
  name: string;
  description: string;
  /** JSON Schema of the arguments (`type: "object"`) */
  parameters: Record<string, unknown>;
  /** 'built-in', or the MCP server's URL */
  origin: string;
  /** Runs the call. Rejects or returns ok:false on failure; must stop promptly when `signal` aborts. */
  run(args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome>;
}

/** A set of tools that comes and goes (the built-ins, the MCP servers). */
export interface ToolSource {
  /** the tools enabled now */
  enabled(): AgentTool[];
  /** resolves once the source has connected and listed its tools, or failed (never rejects) */
  ready(): Promise<void>;
}
