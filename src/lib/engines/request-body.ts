// Builds the chat-completions body a server understands: usage options, thinking switch, extra sampling fields.
import { DIALECTS, thinkingKindOf } from '../stream/dialects.ts';
import type { ChatMessage, ChatRequest } from './types.ts';

export function requestBody(req: ChatRequest): Record<string, unknown> {
  const dialect = DIALECTS[req.endpoint.dialect];
  const { top_k, min_p, repetition_penalty, ...standard } = req.params;
  const body: Record<string, unknown> = {
    model: req.model,
    messages: withThinkingSwitch(req),
    stream: true,
    stream_options: dialect.continuousUsage ? { include_usage: true, continuous_usage_stats: true } : { include_usage: true },
  };
  for (const [key, value] of Object.entries(standard)) if (value !== undefined && !(Array.isArray(value) && value.length === 0)) body[key] = value;
  if (dialect.extraSampling) {
    if (top_k !== undefined) body.top_k = top_k;
    if (min_p !== undefined) body.min_p = min_p;
    if (repetition_penalty !== undefined) body.repetition_penalty = repetition_penalty;
  }
  if (req.tools?.length) {
    body.tools = req.tools;
    // `auto` is what servers assume with tools; said aloud, it is refused by a vLLM started without a tool parser
    if (req.toolChoice && req.toolChoice !== 'auto') body.tool_choice = typeof req.toolChoice === 'string' ? req.toolChoice : { type: 'function', function: { name: req.toolChoice.name } };
  }
  if (req.thinking !== 'default' && thinkingKindOf(req.model) === 'switchable' && dialect.templateKwargs)
    body.chat_template_kwargs = { enable_thinking: req.thinking === 'on' };
  return body;
}

/** Servers without template kwargs get Qwen3's soft switch at the end of the last user turn. */
function withThinkingSwitch(req: ChatRequest): ChatMessage[] {
  const dialect = DIALECTS[req.endpoint.dialect];
  // an agent turn's reasoning is for in-browser models, which build their own prompt; a server's template drops it
  const messages = req.messages.map((m) => (m.role === 'assistant' && m.reasoning !== undefined ? { role: m.role, content: m.content, ...(m.tool_calls ? { tool_calls: m.tool_calls } : {}) } : m));
  if (req.thinking === 'default' || dialect.templateKwargs || thinkingKindOf(req.model) !== 'switchable') return messages;
  const lastUser = messages.findLastIndex((m) => m.role === 'user');
  return messages.map((m, i) => (i === lastUser ? { ...m, content: `${m.content} ${req.thinking === 'on' ? '/think' : '/no_think'}` } : m));
}
