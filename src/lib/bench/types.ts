// What a benchmark takes (endpoints, workload) and what one request leaves behind; shared by page and CLI.
import type { ErrorKind } from '../stream/events.ts';

/** Servers whose request options we know: they decide ignore_eos / min_tokens and the /tokenize route. */
export const BENCH_SERVERS = ['vllm', 'sglang', 'nim', 'llamacpp', 'ollama', 'openai'] as const;
export type BenchServer = (typeof BENCH_SERVERS)[number];

export interface BenchEndpoint {
  /** ends in /v1, like the playground's endpoints */
  baseURL: string;
  model: string;
  apiKey?: string;
  server: BenchServer;
  /** a name for tables and charts; the base URL and model when not set */
  label?: string;
}

export type BenchApi = 'chat' | 'completions';
export type WorkloadKind = 'random' | 'shared-prefix' | 'multi-turn';

export interface Workload {
  kind: WorkloadKind;
  api: BenchApi;
  /** one sweep point per value; ignored-as-a-cap (Infinity) when a request rate is set and none is given */
  concurrency: number[];
  /** requests per second; Infinity sends as fast as the concurrency allows */
  requestRate: number;
  /** gamma shape: 1 is Poisson, below 1 burstier, above 1 more regular */
  burstiness: number;
  /** seconds over which the request rate climbs linearly from 0 to its value (0: none) */
  rampUpS: number;
  inputLen: number;
  outputLen: number;
  /** lengths are drawn from [len × (1 − r), len × (1 + r)] */
  rangeRatio: number;
  numPrompts: number;
  /** requests per endpoint before the first sweep point, not counted */
  warmup: number;
  /** shared-prefix workload: tokens of the system prompt every request shares */
  prefixLen: number;
  /** multi-turn workload: requests per conversation, and tokens of each tool result between them */
  turns: number;
  toolResultLen: number;
  seed: number;
  /** SLOs for goodput, in ms; a request counts as good when it meets all that are set */
  goodput: { ttft?: number; tpot?: number; e2el?: number };
  percentiles: number[];
}

export const DEFAULT_WORKLOAD: Workload = {
  kind: 'random',
  api: 'chat',
  concurrency: [1, 16, 32],
  requestRate: Infinity,
  burstiness: 1,
  rampUpS: 0,
  inputLen: 8192,
  outputLen: 1024,
  rangeRatio: 0,
  numPrompts: 32,
  warmup: 1,
  prefixLen: 8192,
  turns: 4,
  toolResultLen: 512,
  seed: 0,
  goodput: {},
  percentiles: [50, 90, 99],
};

/** A chat message as the benchmark sends it; the assistant's carry a tool call between agent turns. */
export type BenchMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> }
  | { role: 'tool'; tool_call_id: string; content: string };

/** A later turn of a multi-turn conversation: the tool result that closes the previous turn, then the next user message. */
export interface FollowUp {
  toolResult: string;
  toolResultLen: number;
  user: string;
  userLen: number;
  outputLen: number;
}

/** One prompt as sent: its text (or messages) and the lengths it was built for. */
export interface BenchPrompt {
  /** the (first) request's messages */
  messages: BenchMessage[];
  /** tokens of the prompt itself, before the chat template's few */
  inputLen: number;
  outputLen: number;
  /** multi-turn: the turns after the first, each sent once the previous answer came back */
  followUps?: FollowUp[];
}

/** What one request did. Times are ms on the runner's clock (performance.now()). */
export interface RequestRecord {
  ok: boolean;
  errorKind?: ErrorKind | 'cancelled';
  error?: string;
  /** when the workload wanted it sent, and when it really was (the difference waited in the client) */
  dueAt: number;
  sentAt: number;
  endAt: number;
  ttftMs: number | null;
  /** first answer token, after any thinking */
  ttfaMs: number | null;
  e2elMs: number;
  /** gaps between chunks that carried tokens */
  itlMs: number[];
  inputLen: number;
  expectedOutputLen: number;
  outputTokens: number;
  /** `server` from usage, `chunks` when the server sent no usage (an estimate) */
  outputSource: 'server' | 'chunks';
  promptTokens: number | null;
  chunks: number;
  /** multi-turn: which request of its conversation this was (1-based) */
  turn?: number;
  /** multi-turn: the answer's text as it came back, sent again in the next turn */
  answer?: string;
}
