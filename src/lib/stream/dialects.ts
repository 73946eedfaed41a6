// The servers we speak to, and what each one needs from a request and a stream parser.

export const DIALECT_IDS = ['vllm', 'vllm-0.11', 'sglang', 'nim', 'llamacpp', 'ollama', 'raw', 'webllm', 'wasm'] as const;
export type DialectId = (typeof DIALECT_IDS)[number];
/** the kinds a person can pick for an endpoint: web-llm (WebGPU) and wllama (CPU) run in the tab and have no URL */
export type ServerDialectId = Exclude<DialectId, 'webllm' | 'wasm'>;
export const SERVER_DIALECT_IDS = DIALECT_IDS.filter((id): id is ServerDialectId => id !== 'webllm' && id !== 'wasm');

/** Models that run in this tab: no server, no connection limit, no key. */
export function runsInBrowser(dialect: DialectId): boolean {
  return dialect === 'webllm' || dialect === 'wasm';
}

export interface DialectInfo {
  label: string;
  /** the server takes `chat_template_kwargs.enable_thinking` */
  templateKwargs: boolean;
  /** the server takes vLLM's `stream_options.continuous_usage_stats` */
  continuousUsage: boolean;
  /** the server takes top_k, min_p and repetition_penalty in the body */
  extraSampling: boolean;
  /** the server has no reasoning parser: `<think>` arrives inside content */
  inlineThink: boolean;
}

export const DIALECTS: Record<DialectId, DialectInfo> = {
  vllm: { label: 'vLLM', templateKwargs: true, continuousUsage: true, extraSampling: true, inlineThink: false },
  'vllm-0.11': { label: 'vLLM 0.11–0.15', templateKwargs: true, continuousUsage: true, extraSampling: true, inlineThink: false },
  sglang: { label: 'SGLang', templateKwargs: true, continuousUsage: false, extraSampling: true, inlineThink: false },
  nim: { label: 'NVIDIA NIM', templateKwargs: true, continuousUsage: false, extraSampling: false, inlineThink: false },
  llamacpp: { label: 'llama.cpp', templateKwargs: true, continuousUsage: false, extraSampling: true, inlineThink: false },
  ollama: { label: 'Ollama', templateKwargs: false, continuousUsage: false, extraSampling: false, inlineThink: false },
  raw: { label: 'OpenAI-compatible, no reasoning parser', templateKwargs: true, continuousUsage: false, extraSampling: false, inlineThink: true },
  // web-llm: OpenAI-shaped chunks from a worker, `<think>` inline in content, `usage.extra` with its own timings
  webllm: { label: 'In this browser (WebGPU)', templateKwargs: false, continuousUsage: false, extraSampling: false, inlineThink: true },
  // wllama: llama.cpp's own server code in WebAssembly, so llama.cpp's chunks, timings and sampling fields
  wasm: { label: 'In this browser (CPU)', templateKwargs: true, continuousUsage: false, extraSampling: true, inlineThink: true },
};

/**
 * Said once under an answer whose tool calls came as Qwen's raw `<tool_call>` text: the server parsed none,
 * and this is the flag it lacks.
 */
export function missingToolParserNote(dialect: DialectId): string {
  const flag: Partial<Record<DialectId, string>> = {
    vllm: 'vLLM: start it with --enable-auto-tool-choice --tool-call-parser hermes',
    'vllm-0.11': 'vLLM: start it with --enable-auto-tool-choice --tool-call-parser hermes',
    sglang: 'SGLang: start it with --tool-call-parser qwen25',
    llamacpp: 'llama.cpp: start it with --jinja',
  };
  const how = flag[dialect] ?? 'vLLM needs --enable-auto-tool-choice --tool-call-parser hermes, SGLang --tool-call-parser qwen25, llama.cpp --jinja';
  return `The server sent its tool calls as raw <tool_call> text (it has no tool parser); they were read from the text and run. ${how}.`;
}

/** What a model does with thinking, read from its name: Thinking always thinks, Instruct never, others can switch. */
export type ThinkingKind = 'always' | 'never' | 'switchable';

export function thinkingKindOf(model: string): ThinkingKind {
  const name = model.toLowerCase();
  if (name.includes('thinking')) return 'always';
  if (name.includes('instruct')) return 'never';
  return 'switchable';
}

/**
 * Whether this request lets the model think. A name that says neither Thinking nor Instruct (`qwen`,
 * `Qwen3-8B`, an alias) thinks by default, as Qwen3's hybrid models do unless told not to.
 */
export function mayThink(model: string, thinking: 'default' | 'on' | 'off'): boolean {
  const kind = thinkingKindOf(model);
  return kind === 'always' || (kind === 'switchable' && thinking !== 'off');
}
