// Prompts of exact token length, checked with Qwen3's tokenizer itself.
import { describe, expect, it } from 'vitest';
import { buildPrompts, checkPrompts, exactText, qwen3Tokenizer } from './prompts.ts';
import { rng } from './arrivals.ts';
import { DEFAULT_WORKLOAD } from './types.ts';

describe('exact-length prompts', () => {
  it('re-encodes every prompt to exactly its length, from random offsets and with a range ratio', async () => {
    const tok = await qwen3Tokenizer();
    const w = { ...DEFAULT_WORKLOAD, numPrompts: 12, inputLen: 300, outputLen: 20, rangeRatio: 0.5 };
    const prompts = await buildPrompts(w, 1, tok);
    expect(prompts).toHaveLength(12);
    expect(checkPrompts(prompts, tok)).toEqual([]);
    expect(new Set(prompts.map((p) => p.inputLen)).size).toBeGreaterThan(3);
    for (const p of prompts) expect(tok.encode(p.messages[0]!.content)).toHaveLength(p.inputLen);
    // the same seed gives the same prompts (page and CLI send the same), another seed others
    expect((await buildPrompts(w, 1, tok))[0]).toEqual(prompts[0]);
    expect((await buildPrompts(w, 2, tok))[0]!.messages[0]!.content).not.toBe(prompts[0]!.messages[0]!.content);
  }, 60_000);

  it('corrects the round trip where decoding merges tokens at the joins', async () => {
    const tok = await qwen3Tokenizer();
    const random = rng(5);
    let merged = 0;
    for (let i = 0; i < 20; i++) {
      const offset = Math.floor(random() * tok.vocabSize);
      const ids = Array.from({ length: 64 }, (_, k) => (offset + k) % tok.vocabSize);
      if (tok.encode(tok.decode(ids)).length !== 64) merged++;
      expect(tok.encode(exactText(tok, 64, offset, random).text)).toHaveLength(64);
    }
    // without the correction most of these would be off
    expect(merged).toBeGreaterThan(5);
  }, 60_000);

  it('puts a shared prefix of its own length in the system message of every request', async () => {
    const tok = await qwen3Tokenizer();
    const w = { ...DEFAULT_WORKLOAD, kind: 'shared-prefix' as const, numPrompts: 3, inputLen: 50, prefixLen: 200 };
    const prompts = await buildPrompts(w, 0, tok);
    expect(prompts.map((p) => p.messages[0]!.content)).toEqual(Array(3).fill(prompts[0]!.messages[0]!.content));
    expect(tok.encode(prompts[0]!.messages[0]!.content)).toHaveLength(200);
    expect(prompts[0]!.inputLen).toBe(250);
    expect(checkPrompts(prompts, tok)).toEqual([]);
  }, 60_000);

  it('builds multi-turn conversations: a shared system prompt, then user messages and tool results of exact lengths', async () => {
    const tok = await qwen3Tokenizer();
    const w = { ...DEFAULT_WORKLOAD, kind: 'multi-turn' as const, numPrompts: 3, turns: 4, inputLen: 30, outputLen: 10, toolResultLen: 70, prefixLen: 100 };
    const prompts = await buildPrompts(w, 0, tok);
    expect(prompts).toHaveLength(3);
    expect(checkPrompts(prompts, tok)).toEqual([]);
    for (const p of prompts) {
      expect(p.messages.map((m) => m.role)).toEqual(['system', 'user']);
      expect(p.messages[0]!.content).toBe(prompts[0]!.messages[0]!.content);
      expect(p.inputLen).toBe(130);
      expect(p.followUps).toHaveLength(3);
      for (const f of p.followUps!) {
        expect(tok.encode(f.toolResult)).toHaveLength(70);
        expect(tok.encode(f.user)).toHaveLength(30);
        expect(f.outputLen).toBe(10);
      }
    }
    // a tampered length is caught
    prompts[1]!.followUps![2]!.toolResultLen = 71;
    expect(checkPrompts(prompts, tok)).toEqual(['conversation 2, tool result 3: 70 tokens, not 71']);
    // --prefix-len 0: no system prompt
    const bare = await buildPrompts({ ...w, prefixLen: 0, numPrompts: 1 }, 0, tok);
    expect(bare[0]!.messages.map((m) => m.role)).toEqual(['user']);
    expect(bare[0]!.inputLen).toBe(30);
  }, 60_000);
});
