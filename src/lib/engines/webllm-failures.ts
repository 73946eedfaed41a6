// Turns web-llm's failures (strings from its worker) into sentences with a next step.
import type { ErrorKind, StreamEvent } from '../stream/events.ts';
import { hostOf } from './failures.ts';

type ErrorEvent = Extract<StreamEvent, { type: 'error' }>;

export interface FailureContext {
  /** the model that was loading or answering, e.g. Qwen3-4B-q4f32_1-MLC */
  model: string;
  /** where its weights come from, for "could not download from …" */
  modelURL?: string;
  /** the model's GPU memory need, for "needs about 3.4 GB" */
  vramMB?: number;
}

const SMALLER = 'pick a smaller model (Qwen3-0.6B or Qwen3-1.7B)';

/** The rows are tried in order: the first whose pattern matches the worker's text wins. */
const RULES: Array<{ kind: ErrorKind; test: RegExp; say: (c: FailureContext) => string }> = [
  {
    kind: 'quota',
    test: /quota|QuotaExceededError|no space left|storage is full/i,
    say: (c) =>
      `The browser has no room left to store ${c.model}${c.vramMB ? ` (about ${gb(c.vramMB)})` : ''}. Delete cached models under Models in the top bar, or free disk space, then send again.`,
  },
  {
    kind: 'device-lost',
    test: /device (was |is )?lost|DeviceLostError|GPUDeviceLostInfo/i,
    say: () => `The GPU stopped while running the model (device lost), usually because it ran out of memory. Close other tabs that use the GPU or ${SMALLER}, then send again.`,
  },
  {
    kind: 'out-of-memory',
    test: /out of memory|\bOOM\b|allocation failed|failed to allocate|Array buffer allocation|not enough memory|createBuffer.*(too large|exceed)/i,
    say: (c) =>
      `Not enough GPU memory for ${c.model}${c.vramMB ? ` (it needs about ${gb(c.vramMB)})` : ''}. Close other tabs and apps that use the GPU, or ${SMALLER}.`,
  },
  {
    kind: 'unsupported',
    test: /shader-f16/i,
    say: (c) => `This GPU cannot run half-precision (shader-f16) models like ${c.model}. Pick the q4f32_1 variant of the same model.`,
  },
  {
    kind: 'shader',
    test: /shader|WGSL|createShaderModule|compilation|createComputePipeline|pipeline creation/i,
    say: () => `The GPU driver could not compile the model's shaders. Update the browser and the GPU driver, or try the q4f32_1 variant of the model; reloading the page sometimes helps.`,
  },
  {
    kind: 'unsupported',
    test: /WebGPU is not supported|Cannot find WebGPU|Unable to find a compatible GPU|exceeds limit|requested max\w+ exceeds/i,
    say: () => `This browser or GPU cannot run in-browser models (WebGPU is missing or too limited). Use Chrome or Edge 113+ on Windows or macOS, Safari 26, or Firefox 141+ on Windows; remote models still work.`,
  },
  {
    kind: 'context',
    test: /exceed context window|context window size/i,
    say: () => `The conversation is longer than this model's context window. Start a new conversation (reload the page) or shorten the prompt.`,
  },
  {
    kind: 'network',
    test: /failed to fetch|networkerror|cannot fetch|request failed|ERR_[A-Z_]+|load failed|fetch|HTTP \d{3}|status (code )?\d{3}|network/i,
    say: (c) =>
      `Could not download ${c.model}${c.modelURL ? ` from ${hostOf(c.modelURL)}` : ''}. Check the internet connection (the first load downloads the weights; later loads read them from this browser's cache), then send again.`,
  },
];

/** Worker errors arrive as strings (`err.toString()` on the worker side); anything else is made one. */
export function webLlmFailure(raw: unknown, context: FailureContext, at: number): ErrorEvent {
  const text = describe(raw);
  for (const rule of RULES) if (rule.test.test(text)) return { type: 'error', kind: rule.kind, message: rule.say(context), detail: text, at };
  return { type: 'error', kind: 'protocol', message: `The in-browser model failed: ${firstLine(text)}. Send again; if it keeps failing, reload the page.`, detail: text, at };
}

function describe(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (raw instanceof Error) return `${raw.name}: ${raw.message}`;
  try {
    return JSON.stringify(raw);
  } catch {
    return String(raw);
  }
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]!.replace(/[.\s]+$/, '');
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

export function gb(mb: number): string {
  return mb >= 1000 ? `${(mb / 1024).toFixed(1)} GB` : `${Math.round(mb)} MB`;
}
