// What every engine takes: a conversation, a model, parameters; and what it gives back: StreamEvents.
import type { DialectId } from '../stream/dialects.ts';
import type { StreamEvent } from '../stream/events.ts';

export interface ToolCallMessage {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  /** `reasoning`: kept for the model calls of the current agent turn (in-browser Qwen3 reads it back; servers are not sent it) */
  | { role: 'assistant'; content: string; tool_calls?: ToolCallMessage[]; reasoning?: string }
  | { role: 'tool'; content: string; tool_call_id: string };

export interface SamplingParams {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  seed?: number;
  stop?: string[];
  presence_penalty?: number;
  /** extra body fields, sent only to servers that take them */
  top_k?: number;
  min_p?: number;
  repetition_penalty?: number;
}

export type ThinkingChoice = 'default' | 'on' | 'off';

export interface Endpoint {
  /** the saved endpoint this came from, if any */
  id?: string;
  baseURL: string;
  apiKey?: string;
  dialect: DialectId;
  /** extra headers sent with every request to this endpoint */
  headers?: Record<string, string>;
}

export interface ToolSpec {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/** OpenAI's tool_choice: `auto` lets the model decide; a name forces that tool. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export interface ChatRequest {
  endpoint: Endpoint;
  model: string;
  messages: ChatMessage[];
  thinking: ThinkingChoice;
  params: SamplingParams;
  tools?: ToolSpec[];
  /** sent only with tools */
  toolChoice?: ToolChoice;
  /** give up when no byte arrived for this long (ms) */
  stallTimeoutMs?: number;
}

export interface Engine {
  /** Streams one answer. Never throws: every failure becomes an `error` event, stop becomes `stopped`. */
  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;
  /** Loads ahead what a first request to this kind of server would wait for, while the person is still typing. */
  prepare?(dialect: DialectId): void;
}
