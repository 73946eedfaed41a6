// The tiny Qwen3 GGUF reads back as llama.cpp reads it: header, metadata, tensor table and aligned weights.
import { describe, expect, it } from 'vitest';
import { TINY, tinyQwen3Gguf, tinyVocab } from './tiny-gguf.ts';

/** A minimal GGUF reader: enough to check what the writer wrote (strings, u32/i32/f32/bool, arrays of those). */
function readGguf(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const u32 = () => ((at += 4), view.getUint32(at - 4, true));
  const u64 = () => ((at += 8), Number(view.getBigUint64(at - 8, true)));
  const str = () => {
    const n = u64();
    return new TextDecoder().decode(bytes.subarray(at, (at += n)));
  };
  const scalar = (type: number): unknown => {
    if (type === 8) return str();
    if (type === 7) return bytes[at++] === 1;
    if (type === 6) return ((at += 4), view.getFloat32(at - 4, true));
    if (type === 5) return ((at += 4), view.getInt32(at - 4, true));
    if (type === 4) return u32();
    throw new Error(`type ${type}`);
  };
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  at = 4;
  const version = u32();
  const nTensors = u64();
  const nKv = u64();
  const kv: Record<string, unknown> = {};
  for (let i = 0; i < nKv; i++) {
    const key = str();
    const type = u32();
    if (type === 9) {
      const of = u32();
      kv[key] = Array.from({ length: u64() }, () => scalar(of));
    } else kv[key] = scalar(type);
  }
  const tensors: Array<{ name: string; dims: number[]; type: number; offset: number }> = [];
  for (let i = 0; i < nTensors; i++) {
    const name = str();
    const dims = Array.from({ length: u32() }, u64);
    tensors.push({ name, dims, type: u32(), offset: u64() });
  }
  const dataStart = Math.ceil(at / 32) * 32;
  return { magic, version, kv, tensors, dataStart };
}

describe('tiny Qwen3 GGUF', () => {
  const bytes = tinyQwen3Gguf();
  const gguf = readGguf(bytes);
  const vocab = tinyVocab();

  it('is a GGUF v3 file of a few hundred KB for the qwen3 architecture', () => {
    expect(gguf.magic).toBe('GGUF');
    expect(gguf.version).toBe(3);
    expect(bytes.length).toBeGreaterThan(100_000);
    expect(bytes.length).toBeLessThan(800_000);
    expect(gguf.kv['general.architecture']).toBe('qwen3');
    expect(gguf.kv['qwen3.block_count']).toBe(TINY.layers);
    expect(gguf.kv['qwen3.attention.head_count_kv']).toBe(TINY.kvHeads);
  });

  it("has a byte-level vocabulary with Qwen's special tokens, and <|im_end|> ends a turn", () => {
    const tokens = gguf.kv['tokenizer.ggml.tokens'] as string[];
    expect(tokens.length).toBe(vocab.tokens.length);
    expect(tokens.slice(0, 256).every((t) => [...t].length === 1)).toBe(true);
    expect(tokens).toEqual(expect.arrayContaining(['<|im_start|>', '<|im_end|>', '<|endoftext|>', '<think>', '</think>']));
    expect(tokens[gguf.kv['tokenizer.ggml.eos_token_id'] as number]).toBe('<|im_end|>');
    expect(gguf.kv['tokenizer.ggml.model']).toBe('gpt2');
    expect(gguf.kv['tokenizer.chat_template']).toContain('enable_thinking');
  });

  it("has every tensor of llama.cpp's qwen3 layers, with weights inside the file at aligned offsets", () => {
    const names = gguf.tensors.map((t) => t.name);
    for (const n of ['attn_norm', 'attn_q', 'attn_k', 'attn_v', 'attn_q_norm', 'attn_k_norm', 'attn_output', 'ffn_norm', 'ffn_gate', 'ffn_up', 'ffn_down'])
      for (let i = 0; i < TINY.layers; i++) expect(names).toContain(`blk.${i}.${n}.weight`);
    expect(names).toEqual(expect.arrayContaining(['token_embd.weight', 'output_norm.weight', 'output.weight']));
    for (const t of gguf.tensors) {
      expect(t.offset % 32).toBe(0);
      expect(gguf.dataStart + t.offset + t.dims.reduce((a, b) => a * b, 4)).toBeLessThanOrEqual(bytes.length);
    }
  });

  it('writes the same bytes for the same seed, and other bytes for another', () => {
    expect(Buffer.from(tinyQwen3Gguf(1)).equals(bytes)).toBe(true);
    expect(Buffer.from(tinyQwen3Gguf(2)).equals(bytes)).toBe(false);
  });
});
