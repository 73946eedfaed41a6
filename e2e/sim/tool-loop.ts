// The simulated model as an agent: which tool it calls with what arguments, for how many rounds, and whether a request answers its calls.

interface RawMessage {
  role?: unknown;
  content?: unknown;
  tool_call_id?: unknown;
  tool_calls?: Array<{ id?: unknown; function?: { name?: unknown } }> | null;
}

export interface ToolSpec {
  function?: { name?: string; parameters?: { properties?: Record<string, { type?: string }>; required?: string[] } };
}

/** The messages after the last user turn: the agent's rounds so far. */
function sinceLastUser(messages: RawMessage[]): RawMessage[] {
  const last = messages.findLastIndex((m) => m.role === 'user');
  return messages.slice(last + 1);
}

/** How many rounds of tool calls this turn has had. */
export function roundsSoFar(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  return sinceLastUser(messages as RawMessage[]).filter((m) => m.role === 'assistant' && Array.isArray(m.tool_calls) && m.tool_calls.length).length;
}

/** The results that came back this round, in order. */
export function lastResults(messages: unknown): string[] {
  if (!Array.isArray(messages)) return [];
  const list = messages as RawMessage[];
  const out: string[] = [];
  for (let i = list.length - 1; i >= 0 && list[i]!.role === 'tool'; i--) out.unshift(String(list[i]!.content ?? ''));
  return out;
}

/**
 * What is wrong with the way a request answers the last round of calls, or null: every call of an assistant
 * message needs one `tool` message, right after it, in the same order, with its id and some content.
 */
export function checkToolMessages(messages: unknown): string | null {
  if (!Array.isArray(messages)) return null;
  const list = messages as RawMessage[];
  for (let i = 0; i < list.length; i++) {
    const calls = list[i]!.role === 'assistant' && Array.isArray(list[i]!.tool_calls) ? list[i]!.tool_calls! : [];
    if (!calls.length) continue;
    const want = calls.map((c) => String(c.id ?? ''));
    if (want.some((id) => !id)) return `messages[${i}]: a tool call has no id`;
    const replies = list.slice(i + 1, i + 1 + want.length);
    const got = replies.map((m) => (m.role === 'tool' ? String(m.tool_call_id ?? '') : `(${String(m.role)})`));
    if (got.join() !== want.join()) return `messages[${i}]: the tool calls ${JSON.stringify(want)} are answered by ${JSON.stringify(got)}; each needs a "tool" message with its tool_call_id, in order`;
    const empty = replies.findIndex((m) => typeof m.content !== 'string' || !m.content);
    if (empty >= 0) return `messages[${i + 1 + empty}]: a tool message has no content`;
  }
  return null;
}

/** The arguments the model gives a tool: built-ins get ones that work, from the prompt where it says. */
export function argumentsFor(tool: ToolSpec, i: number, prompt: string, fallback: (props: Record<string, { type?: string }>, i: number) => Record<string, unknown>): Record<string, unknown> {
  const name = tool.function?.name;
  if (name === 'calculator') return { expression: prompt.match(/[\d(][\d\s+\-*/^().%!]*[\d)!]/)?.[0]?.trim() ?? '6 * 7' };
  if (name === 'javascript') return { code: prompt.match(/```(?:js|javascript)?\n([\s\S]*?)```/)?.[1] ?? 'console.log("hello from the sandbox"); [1, 2, 3].map((x) => x * 2)' };
  if (name === 'current_time') return {};
  return fallback(tool.function?.parameters?.properties ?? { city: { type: 'string' } }, i);
}

/** The tool to call: the one named with `use=` if offered, else the first. */
export function pickTool(tools: ToolSpec[], use: string, i: number): ToolSpec {
  if (use === 'each') return tools[i % tools.length]!;
  return tools.find((t) => t.function?.name === use) ?? tools[0]!;
}
