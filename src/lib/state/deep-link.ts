// Reads and writes the setup link: ?panel=<model>@<base URL>&prompt=…&system=…&thinking=on|off&send=1.
import { DIALECT_IDS, type DialectId } from '../stream/dialects.ts';
import type { Endpoint, ThinkingChoice } from '../engines/types.ts';

/** The query parameters that describe a setup (the rest are developer knobs that stay in the URL). */
export const SETUP_PARAMS = ['panel', 'servers', 'prompt', 'system', 'thinking', 'send'] as const;

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
    cpuThreads: Number.isInteger(Number(q.get('cpu-threads'))) && Number(q.get('cpu-threads')) > 0 ? Number(q.get('cpu-threads')) : null,
  };
}

/** The link for a setup. It never carries a key. */
export function buildDeepLink(base: string, link: Omit<DeepLink, 'send' | 'stallTimeoutS' | 'modelsFrom' | 'cpuThreads'> & { send?: boolean }): string {
  const q = new URLSearchParams();
  for (const p of link.panels) q.append('panel', `${p.model}@${p.endpoint}`);
  if (link.panels.some((p) => p.dialect)) q.set('servers', link.panels.map((p) => p.dialect ?? '').join(','));
  if (link.prompt) q.set('prompt', link.prompt);
  if (link.system) q.set('system', link.system);
  if (link.thinking !== 'default') q.set('thinking', link.thinking);
  if (link.send) q.set('send', '1');
  return `${base}?${q}`;
}
