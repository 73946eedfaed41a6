// Writes a tiny Qwen3 GGUF with random weights (a few hundred KB) that llama.cpp loads: a real engine for the tests.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// a small seeded generator, so that the same seed writes the same file
import { rng as random } from '../../src/lib/bench/arrivals.ts';

/**
 * The shape, small enough to decode hundreds of tokens a second on one thread: llama.cpp's `qwen3`
 * architecture (Q and K norms per head, grouped-query attention, SwiGLU) with two layers.
 */
export const TINY = { layers: 2, embd: 64, ff: 128, heads: 4, kvHeads: 2, headDim: 16, context: 4096 };

/** Qwen's special tokens; `<think>` and `</think>` are plain added tokens in Qwen3's tokenizer, the others control. */
const SPECIAL: Array<[string, 3 | 4]> = [
  ['<|endoftext|>', 3],
  ['<|im_start|>', 3],
  ['<|im_end|>', 3],
  ['<think>', 4],
  ['</think>', 4],
];
/** A few byte-pair merges, so that the tokenizer's merge table is a real one. */
const MERGES = ['Ġ t', 'h e', 'i n', 'e r'];

/**
 * Qwen3's chat template, cut to what a chat without tools needs: system, turns, and the thinking switch
 * (`enable_thinking: false` writes an empty think block, as Qwen's own template does).
 */
export const CHAT_TEMPLATE = [
  "{%- for message in messages %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}{%- endfor %}",
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}",
  "{%- if enable_thinking is defined and enable_thinking is false %}{{- '<think>\\n\\n</think>\\n\\n' }}{%- endif %}",
  '{%- endif %}',
].join('');

/** GPT-2's byte-to-character table: every byte is one printable character, as byte-level BPE vocabularies spell them. */
function byteChars(): string[] {
  const keep = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) out.push(String.fromCodePoint(keep(b) ? b : 256 + extra++));
  return out;
}

export interface TinyVocab {
  tokens: string[];
  types: number[];
  /** token ids the model may write: printable ASCII and the merged pairs, so that random answers stay readable text */
  printable: Set<number>;
  id: (token: string) => number;
}

export function tinyVocab(): TinyVocab {
  const chars = byteChars();
  const tokens = [...chars, ...MERGES.map((m) => m.replace(' ', '')), ...SPECIAL.map(([t]) => t)];
  const types = tokens.map((_, i) => (i < 256 + MERGES.length ? 1 : SPECIAL[i - 256 - MERGES.length]![1]));
  const printable = new Set<number>();
  for (let b = 0x20; b <= 0x7e; b++) printable.add(b);
  for (let i = 0; i < MERGES.length; i++) printable.add(256 + i);
  return { tokens, types, printable, id: (t) => tokens.indexOf(t) };
}


function normal(rand: () => number, std: number): () => number {
  return () => std * Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
}

// GGUF value types and the one tensor type used here
const T = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;
const F32 = 0;
const ALIGN = 32;

type Value = { type: 'u32' | 'i32' | 'f32' | 'bool' | 'string'; value: number | boolean | string } | { type: 'array'; of: 'string' | 'i32'; value: Array<string | number> };

class Bytes {
  #parts: Uint8Array[] = [];
  length = 0;
  push(bytes: Uint8Array): void {
    this.#parts.push(bytes);
    this.length += bytes.length;
  }
  u32(n: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    this.push(b);
  }
  i32(n: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, n, true);
    this.push(b);
  }
  u64(n: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
    this.push(b);
  }
  f32(n: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, n, true);
    this.push(b);
  }
  str(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.push(b);
  }
  pad(): void {
    const n = (ALIGN - (this.length % ALIGN)) % ALIGN;
    if (n) this.push(new Uint8Array(n));
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.#parts) out.set(p, (at += p.length) - p.length);
    return out;
  }
}

function writeValue(out: Bytes, v: Value): void {
  out.u32(T[v.type]);
  if (v.type === 'array') {
    out.u32(T[v.of]);
    out.u64(v.value.length);
    for (const item of v.value) if (v.of === 'string') out.str(item as string); else out.i32(item as number);
  } else if (v.type === 'string') out.str(v.value as string);
  else if (v.type === 'f32') out.f32(v.value as number);
  else if (v.type === 'i32') out.i32(v.value as number);
  else if (v.type === 'bool') out.push(new Uint8Array([v.value ? 1 : 0]));
  else out.u32(v.value as number);
}

interface Tensor {
  name: string;
  /** GGUF order: the row length first */
  dims: number[];
  data: Float32Array;
}

/** The whole file: metadata, tensor table, weights. */
export function tinyQwen3Gguf(seed = 1): Uint8Array {
  const { layers, embd, ff, heads, kvHeads, headDim, context } = TINY;
  const vocab = tinyVocab();
  const rand = random(seed);
  const fill = (n: number, gen: () => number) => Float32Array.from({ length: n }, gen);
  const ones = (n: number) => new Float32Array(n).fill(1);
  const weight = (rows: number, cols: number) => fill(rows * cols, normal(rand, 1 / Math.sqrt(rows)));

  // logits of the printable tokens spread far (std 4): the others (control bytes, special tokens, <|im_end|>) stay at
  // 0 and are almost never drawn, so an answer runs until max_tokens or stop, in readable characters
  const output = new Float32Array(vocab.tokens.length * embd);
  const spread = normal(rand, 4 / Math.sqrt(embd));
  for (const id of vocab.printable) for (let j = 0; j < embd; j++) output[id * embd + j] = spread();

  const tensors: Tensor[] = [
    { name: 'token_embd.weight', dims: [embd, vocab.tokens.length], data: fill(vocab.tokens.length * embd, normal(rand, 1)) },
    { name: 'output_norm.weight', dims: [embd], data: ones(embd) },
    { name: 'output.weight', dims: [embd, vocab.tokens.length], data: output },
  ];
  for (let i = 0; i < layers; i++) {
    const b = `blk.${i}.`;
    tensors.push(
      { name: b + 'attn_norm.weight', dims: [embd], data: ones(embd) },
      { name: b + 'attn_q.weight', dims: [embd, heads * headDim], data: weight(embd, heads * headDim) },
      { name: b + 'attn_k.weight', dims: [embd, kvHeads * headDim], data: weight(embd, kvHeads * headDim) },
      { name: b + 'attn_v.weight', dims: [embd, kvHeads * headDim], data: weight(embd, kvHeads * headDim) },
      { name: b + 'attn_q_norm.weight', dims: [headDim], data: ones(headDim) },
      { name: b + 'attn_k_norm.weight', dims: [headDim], data: ones(headDim) },
      { name: b + 'attn_output.weight', dims: [heads * headDim, embd], data: weight(heads * headDim, embd) },
      { name: b + 'ffn_norm.weight', dims: [embd], data: ones(embd) },
      { name: b + 'ffn_gate.weight', dims: [embd, ff], data: weight(embd, ff) },
      { name: b + 'ffn_up.weight', dims: [embd, ff], data: weight(embd, ff) },
      { name: b + 'ffn_down.weight', dims: [ff, embd], data: weight(ff, embd) },
    );
  }

  const meta: Array<[string, Value]> = [
    ['general.architecture', { type: 'string', value: 'qwen3' }],
    ['general.name', { type: 'string', value: 'Tiny Qwen3 (random weights, for tests)' }],
    ['general.alignment', { type: 'u32', value: ALIGN }],
    ['qwen3.block_count', { type: 'u32', value: layers }],
    ['qwen3.context_length', { type: 'u32', value: context }],
    ['qwen3.embedding_length', { type: 'u32', value: embd }],
    ['qwen3.feed_forward_length', { type: 'u32', value: ff }],
    ['qwen3.attention.head_count', { type: 'u32', value: heads }],
    ['qwen3.attention.head_count_kv', { type: 'u32', value: kvHeads }],
    ['qwen3.attention.key_length', { type: 'u32', value: headDim }],
    ['qwen3.attention.value_length', { type: 'u32', value: headDim }],
    ['qwen3.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-6 }],
    ['qwen3.rope.freq_base', { type: 'f32', value: 1_000_000 }],
    ['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }],
    ['tokenizer.ggml.pre', { type: 'string', value: 'qwen2' }],
    ['tokenizer.ggml.tokens', { type: 'array', of: 'string', value: vocab.tokens }],
    ['tokenizer.ggml.token_type', { type: 'array', of: 'i32', value: vocab.types }],
    ['tokenizer.ggml.merges', { type: 'array', of: 'string', value: MERGES }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: vocab.id('<|im_end|>') }],
    ['tokenizer.ggml.padding_token_id', { type: 'u32', value: vocab.id('<|endoftext|>') }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: vocab.id('<|endoftext|>') }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }],
    ['tokenizer.chat_template', { type: 'string', value: CHAT_TEMPLATE }],
  ];

  const head = new Bytes();
  head.push(new TextEncoder().encode('GGUF'));
  head.u32(3);
  head.u64(tensors.length);
  head.u64(meta.length);
  for (const [key, value] of meta) {
    head.str(key);
    writeValue(head, value);
  }
  let offset = 0;
  for (const t of tensors) {
    head.str(t.name);
    head.u32(t.dims.length);
    for (const d of t.dims) head.u64(d);
    head.u32(F32);
    head.u64(offset);
    offset += Math.ceil(t.data.byteLength / ALIGN) * ALIGN;
  }
  head.pad();
  for (const t of tensors) {
    head.push(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    head.pad();
  }
  return head.concat();
}

// `tsx e2e/sim/tiny-gguf.ts out.gguf` writes the file
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = process.argv[2] ?? 'tiny-qwen3.gguf';
  const bytes = tinyQwen3Gguf();
  writeFileSync(path, bytes);
  console.log(`${path}: ${bytes.length} bytes`);
}
