// Qwen3's own tool format, written as its chat template writes it, for in-browser models (web-llm takes no `tools` for Qwen3 and has no `tool` role).
import type { ChatMessage, ToolSpec } from '../engines/types.ts';

export type PlainMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** The system message's tool section, in Qwen3's template's words. */
export function toolsSystemText(tools: ToolSpec[]): string {
  return (
    '# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>' +
    tools.map((t) => `\n${JSON.stringify(t)}`).join('') +
    '\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>'
  );
}

/**
 * The conversation in Qwen3's tool format: tools in the system message, calls as `<tool_call>` blocks in the
 * assistant's text, results in a user turn as `<tool_response>` blocks. The reasoning of the calls after the
 * last real user turn (this agent turn's) is kept; earlier turns' is dropped, as the template does.
 */
export function qwenToolMessages(messages: ChatMessage[], tools: ToolSpec[] | undefined): PlainMessage[] {
  const out: PlainMessage[] = [];
  const lastQuery = messages.findLastIndex((m) => m.role === 'user');
  messages.forEach((m, i) => {
    if (m.role === 'tool') {
      const block = `<tool_response>\n${m.content}\n</tool_response>`;
      const prev = out.at(-1);
      // consecutive results share one user turn
      if (prev?.role === 'user' && messages[i - 1]?.role === 'tool') prev.content += `\n${block}`;
      else out.push({ role: 'user', content: block });
      return;
    }
    if (m.role !== 'assistant') return out.push({ role: m.role, content: m.content });
    let content = i > lastQuery && m.reasoning ? `<think>\n${m.reasoning.replace(/^\n+|\n+$/g, '')}\n</think>\n\n${m.content.replace(/^\n+/, '')}` : m.content;
    (m.tool_calls ?? []).forEach((call, n) => {
      // the template puts a newline before a call that follows text or another call (the reasoning does not count)
      if (n > 0 || m.content) content += '\n';
      content += `<tool_call>\n{"name": "${call.function.name}", "arguments": ${call.function.arguments || '{}'}}\n</tool_call>`;
    });
    out.push({ role: 'assistant', content });
  });
  if (tools?.length) {
    const system = out[0]?.role === 'system' ? out.shift()!.content : '';
    out.unshift({ role: 'system', content: (system ? `${system}\n\n` : '') + toolsSystemText(tools) });
  }
  return out;
}
