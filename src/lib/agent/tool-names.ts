// The names tools are offered under: what an OpenAI-style API accepts, unique across servers (a clash takes the server's name as a prefix).

const MAX = 64;

/** `[a-zA-Z0-9_-]{1,64}`, as OpenAI-compatible servers require of a function name. */
export function safeToolName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]+/g, '_').slice(0, MAX) || 'tool';
}

export interface ToolGroup {
  key: string;
  /** the server's name, put before a tool's name when that name is taken twice */
  prefix: string;
  tools: string[];
}

/**
 * group key → tool name → the name the model sees. A name that two groups share, or that a reserved
 * tool (a built-in) has, is `<server>_<tool>` in every group that has it; what still clashes gets `_2`, `_3`.
 */
export function callNames(groups: ToolGroup[], reserved: Iterable<string> = []): Map<string, Map<string, string>> {
  const builtIn = new Set(reserved);
  const taken = new Set(builtIn);
  const count = new Map<string, number>();
  for (const g of groups) for (const t of new Set(g.tools.map(safeToolName))) count.set(t, (count.get(t) ?? 0) + 1);
  const out = new Map<string, Map<string, string>>();
  for (const g of groups) {
    const names = new Map<string, string>();
    for (const tool of g.tools) {
      const base = safeToolName(tool);
      const clash = (count.get(base) ?? 0) > 1 || builtIn.has(base);
      const wanted = clash ? safeToolName(`${safeToolName(g.prefix)}_${base}`) : base;
      let name = wanted;
      for (let n = 2; taken.has(name); n++) name = `${wanted.slice(0, MAX - String(n).length - 1)}_${n}`;
      taken.add(name);
      names.set(tool, name);
    }
    out.set(g.key, names);
  }
  return out;
}
