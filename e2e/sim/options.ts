// Knobs of the simulated server: parsed from the URL path prefix, the x-sim-options header and the CLI.

export const DIALECTS = ['vllm', 'vllm-0.11', 'sglang', 'nim', 'llamacpp', 'ollama', 'raw'] as const;
export type Dialect = (typeof DIALECTS)[number];

export const FAULTS = [
  'none',
  '401',
  '403',
  '404',
  '429',
  '500',
  '503',
  'stream-error', // an error object inside a 200 stream
  'drop', // the connection is cut mid-stream
  'truncate', // the stream ends cleanly but without finish_reason or [DONE]
  'malformed', // one JSON line is cut in half
  'stall', // no bytes for `stallMs` mid-stream (0: until the client gives up)
] as const;
export type Fault = (typeof FAULTS)[number];

export interface SimOptions {
  dialect: Dialect;
  /** time to first token in ms (prefill) */
  ttftMs: number;
  /** decode speed in tokens per second */
  tps: number;
  /** tokens per chunk: a number, or "a-b" for a random count in [a, b] (MTP, speculative decoding) */
  tokensPerChunk: [number, number];
  /** reasoning length in tokens when the model thinks */
  reasoningTokens: number;
  /** answer length in tokens (the rich markdown answer is repeated or cut to this length); 0 = natural length */
  answerTokens: number;
  /** answer with the last user message, verbatim */
  echo: boolean;
  /** number of parallel tool calls to make when the request offers tools */
  toolCalls: number;
  /** rounds of tool calls in one turn before the model answers from the results */
  toolRounds: number;
  /** which offered tool to call: its name, `each` (one per parallel call, in turn), or the first when not offered */
  useTool: string;
  /** `<think>` form of the raw dialect: the whole tag pair, or only the closing tag (Qwen3-2507, Qwen3-Next-Thinking) */
  rawThink: 'auto' | 'pair' | 'close-only';
  /** the one model name served, whatever the model is (vLLM's --served-model-name, an Ollama tag, a llama.cpp alias) */
  servedName: string | null;
  /**
   * The stream carries reasoning alone: a model that thinks stops before its answer; one that does not
   * (thinking off, Instruct) gets its answer in the reasoning field, as vLLM's reasoning parsers put it.
   */
  noAnswer: boolean;
  fault: Fault;
  /** for in-stream faults: after how many output tokens */
  faultAfter: number;
  stallMs: number;
  retryAfterS: number;
  cors: 'open' | 'strict' | 'off';
  /** send a `: ping` comment line every N ms while the model is silent (0: never) */
  pingMs: number;
  /** end lines with CRLF, as some SSE libraries do */
  crlf: boolean;
  /** when set, requests must carry `Authorization: Bearer <key>` */
  apiKey: string | null;
  seed: number;
}

export const DEFAULT_OPTIONS: SimOptions = {
  dialect: 'vllm',
  ttftMs: 250,
  tps: 60,
  tokensPerChunk: [1, 1],
  reasoningTokens: 120,
  answerTokens: 0,
  echo: false,
  toolCalls: 1,
  toolRounds: 1,
  useTool: '',
  rawThink: 'auto',
  servedName: null,
  noAnswer: false,
  fault: 'none',
  faultAfter: 20,
  stallMs: 0,
  retryAfterS: 7,
  cors: 'open',
  pingMs: 0,
  crlf: false,
  apiKey: null,
  seed: 42,
};

const ALIASES: Record<string, keyof SimOptions> = {
  dialect: 'dialect',
  ttft: 'ttftMs',
  tps: 'tps',
  tpc: 'tokensPerChunk',
  reasoning: 'reasoningTokens',
  answer: 'answerTokens',
  echo: 'echo',
  tools: 'toolCalls',
  rounds: 'toolRounds',
  use: 'useTool',
  think: 'rawThink',
  served: 'servedName',
  noanswer: 'noAnswer',
  fault: 'fault',
  after: 'faultAfter',
  stall: 'stallMs',
  'retry-after': 'retryAfterS',
  cors: 'cors',
  ping: 'pingMs',
  crlf: 'crlf',
  key: 'apiKey',
  seed: 'seed',
};

/** Names the knobs accept, for --help and error messages. */
export const OPTION_NAMES = Object.keys(ALIASES);

/**
 * Applies "k=v,k=v" (a bare dialect name or fault code is accepted too) on top of `base`.
 * Throws with a readable message on an unknown knob or value.
 */
export function parseOptions(spec: string, base: SimOptions = DEFAULT_OPTIONS): SimOptions {
  const out: SimOptions = { ...base };
  for (const raw of spec.split(/[,;]/)) {
    const part = decodeURIComponent(raw.trim());
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      if ((DIALECTS as readonly string[]).includes(part)) out.dialect = part as Dialect;
      else if ((FAULTS as readonly string[]).includes(part)) out.fault = part as Fault;
      else throw new Error(`unknown simulator option "${part}"`);
      continue;
    }
    const name = part.slice(0, eq);
    const value = part.slice(eq + 1);
    const key = ALIASES[name];
    if (!key) throw new Error(`unknown simulator option "${name}" (known: ${OPTION_NAMES.join(', ')})`);
    setOption(out, key, value);
  }
  return out;
}

function setOption(out: SimOptions, key: keyof SimOptions, value: string): void {
  const num = (): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`simulator option ${key} needs a number ≥ 0, got "${value}"`);
    return n;
  };
  switch (key) {
    case 'dialect':
      if (!(DIALECTS as readonly string[]).includes(value)) throw new Error(`unknown dialect "${value}" (known: ${DIALECTS.join(', ')})`);
      out.dialect = value as Dialect;
      return;
    case 'fault':
      if (!(FAULTS as readonly string[]).includes(value)) throw new Error(`unknown fault "${value}" (known: ${FAULTS.join(', ')})`);
      out.fault = value as Fault;
      return;
    case 'tokensPerChunk': {
      const [a, b = a] = value.split('-').map(Number);
      if (!a || !b || a < 1 || b < a) throw new Error(`tpc needs "n" or "a-b" with 1 ≤ a ≤ b, got "${value}"`);
      out.tokensPerChunk = [a, b];
      return;
    }
    case 'rawThink':
      if (value !== 'auto' && value !== 'pair' && value !== 'close-only') throw new Error(`think is auto, pair or close-only, got "${value}"`);
      out.rawThink = value;
      return;
    case 'cors':
      if (value !== 'open' && value !== 'strict' && value !== 'off') throw new Error(`cors is open, strict or off, got "${value}"`);
      out.cors = value;
      return;
    case 'servedName':
      out.servedName = value || null;
      return;
    case 'echo':
    case 'noAnswer':
    case 'crlf':
      out[key] = value !== '0' && value !== 'false';
      return;
    case 'useTool':
      out.useTool = value;
      return;
    case 'apiKey':
      out.apiKey = value || null;
      return;
    case 'tps':
      out.tps = num() || 1;
      return;
    default:
      (out as unknown as Record<string, number>)[key] = num();
  }
}
