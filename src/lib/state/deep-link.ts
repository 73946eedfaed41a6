// Reads and writes the setup link: ?panel=<model>@<base URL>&prompt=…&system=…&thinking=on|off&mcp=<URL>&send=1.
import { DIALECT_IDS, type DialectId } from '../stream/dialects.ts';
import type { Endpoint, ThinkingChoice } from '../engines/types.ts';

/** The query parameters that describe a setup (the rest are developer knobs that stay in the URL). */
export const SETUP_PARAMS = ['panel', 'servers', 'prompt', 'system', 'thinking', 'send', 'tools', 'steps', 'mcp'] as const;

export interface LinkPanel {
  model: string;
  /** the endpoint's base URL, or "webllm" for an in-browser model */
  endpoint: string;
  dialect?: DialectId;
}

/** The endpoint name of in-browser models in links: `?panel=Qwen3-0.6B-q4f16_1-MLC@webllm`. */
export const IN_BROWSER = 'webllm';

/** The endpoint a link's panel points at: in this browser, or a server (vLLM unless the link says). */
export function endpointOf(p: LinkPanel): Endpoint {
  // `@wasm`: the CPU engine (llama.cpp in WebAssembly)
  if (p.endpoint.toLowerCase() === 'wasm') return { baseURL: 'wasm', dialect: 'wasm' };
  if (p.endpoint.toLowerCase() === IN_BROWSER) return { baseURL: IN_BROWSER, dialect: 'webllm' };
  return { baseURL: p.endpoint, dialect: p.dialect && p.dialect !== 'webllm' && p.dialect !== 'wasm' ? p.dialect : 'vllm' };
}

export interface DeepLink {
  panels: LinkPanel[];
  prompt: string;
  system: string;
  thinking: ThinkingChoice;
  send: boolean;
  /** seconds without a byte before a stream counts as stalled (developer setting) */
  stallTimeoutS: number | null;
  /** where in-browser models are downloaded from instead of huggingface.co (developer setting) */
  modelsFrom: string | null;
  /** `&tools=calculator,javascript`: agent mode on with these built-in tools (null: not in the link) */
  tools: string[] | null;
  /** `&steps=<n>`: the agent's step limit */
  steps: number | null;
  /** MCP servers to connect, with all their tools on (`&mcp=<URL>`, repeatable; http(s) only) */
  mcp: string[];
  /** threads for the CPU engine (developer setting, for its benchmark) */
  cpuThreads: number | null;
}

export function parseDeepLink(search: string): DeepLink {
  const q = new URLSearchParams(search);
  const servers = (q.get('servers') ?? '').split(',');
  const panels = q.getAll('panel').flatMap((value, i): LinkPanel[] => {
    // split at the first @: model names never contain one, URLs may (user@host)
    const at = value.indexOf('@');
    if (at <= 0 || at === value.length - 1) return [];
    const dialect = servers[i] as DialectId;
    return [{ model: value.slice(0, at), endpoint: value.slice(at + 1), ...(DIALECT_IDS.includes(dialect) ? { dialect } : {}) }];
  });
  const thinking = q.get('thinking');
  return {
    panels: panels.slice(0, 4),
    prompt: q.get('prompt') ?? '',
    system: q.get('system') ?? '',
    thinking: thinking === 'on' || thinking === 'off' ? thinking : 'default',
    send: q.get('send') === '1',
    stallTimeoutS: Number(q.get('stall')) > 0 ? Number(q.get('stall')) : null,
    modelsFrom: /^https?:\/\//.test(q.get('models-from') ?? '') ? q.get('models-from') : null,
    tools: q.has('tools') ? (q.get('tools') ?? '').split(',').map((t) => t.trim()).filter(Boolean) : null,
    steps: Number.isInteger(Number(q.get('steps'))) && Number(q.get('steps')) > 0 ? Math.min(100, Number(q.get('steps'))) : null,
    mcp: [...new Set(q.getAll('mcp').filter((url) => /^https?:\/\/./.test(url)))],
    cpuThreads: Number.isInteger(Number(q.get('cpu-threads'))) && Number(q.get('cpu-threads')) > 0 ? Number(q.get('cpu-threads')) : null,
  };
}

/** The link for a setup. It never carries a key. */
export function buildDeepLink(
  base: string,
  link: Omit<DeepLink, 'send' | 'stallTimeoutS' | 'modelsFrom' | 'tools' | 'steps' | 'mcp' | 'cpuThreads'> & { send?: boolean; tools?: string[] | null; steps?: number | null; mcp?: string[] },
): string {
  const q = new URLSearchParams();
  for (const p of link.panels) q.append('panel', `${p.model}@${p.endpoint}`);
  if (link.panels.some((p) => p.dialect)) q.set('servers', link.panels.map((p) => p.dialect ?? '').join(','));
  if (link.prompt) q.set('prompt', link.prompt);
  if (link.system) q.set('system', link.system);
  if (link.thinking !== 'default') q.set('thinking', link.thinking);
  if (link.tools) q.set('tools', link.tools.join(','));
  if (link.steps) q.set('steps', String(link.steps));
  for (const url of link.mcp ?? []) q.append('mcp', url);
  if (link.send) q.set('send', '1');
  return `${base}?${q}`;
}
