// Multi-turn agent conversations: each turn resends the whole conversation, grown by the answer that came back and a tool result.
import { sendRequest, type SendOptions } from './request.ts';
import type { BenchMessage, BenchPrompt, FollowUp, RequestRecord } from './types.ts';

/** The tool the simulated agent calls between turns (no tool definitions are sent: the server only reads the history). */
export const TOOL_NAME = 'search';

/**
 * The messages of the next turn: what was sent, the answer as the server gave it (carrying the agent's tool
 * call, as an OpenAI-style assistant message does), the tool's result, and the next user message. Request N
 * of a conversation carries 3N − 2 messages, plus the system prompt when there is one.
 */
export function nextMessages(sent: BenchMessage[], answer: string, turn: number, next: FollowUp): BenchMessage[] {
  const id = `call_${turn}`;
  return [
    ...sent,
    { role: 'assistant', content: answer, tool_calls: [{ id, type: 'function', function: { name: TOOL_NAME, arguments: JSON.stringify({ query: `step ${turn}` }) } }] },
    { role: 'tool', tool_call_id: id, content: next.toolResult },
    { role: 'user', content: next.user },
  ];
}

export interface ConversationOptions extends Omit<SendOptions, 'prompt' | 'dueAt' | 'keepAnswer'> {
  prompt: BenchPrompt;
  dueAt: number;
  /** each turn waits for a connection of its own (the page's per-host limit) */
  acquire: () => Promise<boolean>;
  release: () => void;
  onRecord: (record: RequestRecord) => void;
  now?: () => number;
}

/**
 * Sends the turns one after the other. A failed or cancelled turn ends the conversation: the next one
 * cannot be built without its answer.
 */
export async function runConversation(o: ConversationOptions): Promise<void> {
  const now = o.now ?? (() => performance.now());
  const turns = 1 + (o.prompt.followUps?.length ?? 0);
  let prompt: BenchPrompt = { messages: o.prompt.messages, inputLen: o.prompt.inputLen, outputLen: o.prompt.outputLen };
  let dueAt = o.dueAt;
  for (let turn = 1; turn <= turns; turn++) {
    if (!(await o.acquire())) return;
    const record = await sendRequest({ ...o, prompt, dueAt, keepAnswer: turn < turns });
    o.release();
    record.turn = turn;
    const answer = record.answer ?? '';
    delete record.answer; // the text is sent on, not kept with the figures
    o.onRecord(record);
    if (!record.ok || o.signal.aborted || turn === turns) return;
    const next = o.prompt.followUps![turn - 1]!;
    prompt = {
      messages: nextMessages(prompt.messages, answer, turn, next),
      // the answer counts by the server's completion_tokens: it is resent as the text that came back
      inputLen: prompt.inputLen + record.outputTokens + next.toolResultLen + next.userLen,
      outputLen: next.outputLen,
    };
    dueAt = now();
  }
}
