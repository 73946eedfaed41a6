// Known endpoints for Qwen3-Next, and the command that starts each kind of server with the right flags.
import type { DialectId } from '../stream/dialects.ts';

export interface Preset {
  id: string;
  label: string;
  baseURL: string;
  dialect: DialectId;
  models: string[];
  /** how to start such a server for Qwen3-Next-80B-A3B (flags from the servers' and the model's docs) */
  command: string;
  note: string;
}

export const PRESETS: Preset[] = [
  {
    id: 'nvidia',
    label: 'NVIDIA API catalog',
    baseURL: 'https://integrate.api.nvidia.com/v1',
    dialect: 'nim',
    models: ['qwen/qwen3-next-80b-a3b-instruct', 'qwen/qwen3-next-80b-a3b-thinking'],
    command: "NVIDIA_API_KEY=nvapi-… npm run proxy -- --upstream nim=https://integrate.api.nvidia.com/v1\n# then use the base URL http://127.0.0.1:8787/nim/v1 (the proxy adds the key)",
    note: 'Needs an API key from build.nvidia.com. The hosted API refuses calls from web pages (CORS): go through npm run proxy.',
  },
  {
    id: 'vllm',
    label: 'vLLM (local)',
    baseURL: 'http://localhost:8000/v1',
    dialect: 'vllm',
    models: ['Qwen/Qwen3-Next-80B-A3B-Instruct', 'Qwen/Qwen3-Next-80B-A3B-Thinking'],
    command: [
      'vllm serve Qwen/Qwen3-Next-80B-A3B-Thinking-FP8 \\',
      '  --tensor-parallel-size 4 --max-model-len 262144 \\',
      '  --reasoning-parser deepseek_r1 \\',
      '  --enable-auto-tool-choice --tool-call-parser hermes \\',
      '  --speculative-config \'{"method": "qwen3_next_mtp", "num_speculative_tokens": 2}\' \\',
      "  --allowed-origins '[\"http://127.0.0.1:5173\"]'",
    ].join('\n'),
    note: 'FP8 weights, MTP speculative decoding, reasoning and tool-call parsers. For the Instruct model drop --reasoning-parser.',
  },
  {
    id: 'sglang',
    label: 'SGLang (local)',
    baseURL: 'http://localhost:30000/v1',
    dialect: 'sglang',
    models: ['Qwen/Qwen3-Next-80B-A3B-Instruct', 'Qwen/Qwen3-Next-80B-A3B-Thinking'],
    command: [
      'python -m sglang.launch_server --model-path Qwen/Qwen3-Next-80B-A3B-Thinking-FP8 \\',
      '  --tp-size 4 --context-length 262144 \\',
      '  --reasoning-parser deepseek-r1 --tool-call-parser qwen25 \\',
      '  --speculative-algorithm NEXTN --speculative-num-steps 3 \\',
      '  --speculative-eagle-topk 1 --speculative-num-draft-tokens 4',
    ].join('\n'),
    note: 'SGLang allows calls from any origin. MTP runs as NEXTN speculative decoding.',
  },
  {
    id: 'llamacpp',
    label: 'llama.cpp (local)',
    baseURL: 'http://localhost:8080/v1',
    dialect: 'llamacpp',
    models: [],
    command: 'llama-server -m Qwen3-Next-80B-A3B-Thinking-Q4_K_M.gguf --jinja --reasoning-format deepseek -c 65536 --port 8080',
    note: '--jinja applies the model’s chat template (tool calls); --reasoning-format deepseek puts thinking in reasoning_content.',
  },
  {
    id: 'ollama',
    label: 'Ollama (local)',
    baseURL: 'http://localhost:11434/v1',
    dialect: 'ollama',
    models: ['qwen3-next:80b'],
    command: 'OLLAMA_ORIGINS=http://127.0.0.1:5173 ollama serve\nollama pull qwen3-next:80b',
    note: 'Ollama allows localhost pages by default; OLLAMA_ORIGINS adds others.',
  },
];
