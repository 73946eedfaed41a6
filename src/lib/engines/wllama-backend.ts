// The small face of wllama that the CPU engine uses: the real one (llama.cpp in its own Web Worker), fakes in tests.
/// <reference types="vite/client" />

export interface CpuChatRequest {
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  min_p?: number;
  seed?: number;
  stop?: string[];
  penalty_present?: number;
  penalty_repeat?: number;
  chat_template_kwargs?: { enable_thinking: boolean };
}

export interface CpuLoaded {
  /** threads llama.cpp decodes with */
  threads: number;
  multithread: boolean;
}

export interface CpuBackend {
  /** Loads GGUF files (a single file, or the parts of a split one in order) into llama.cpp. */
  load(files: Blob[], options: { threads: number; contextTokens: number }): Promise<CpuLoaded>;
  /** Streams one answer as OpenAI `chat.completion.chunk` objects; the signal stops it (the iterator then throws). */
  chat(request: CpuChatRequest, signal: AbortSignal): Promise<AsyncIterable<object>>;
  /** Ends llama.cpp's worker at once (a cancelled load, another model, a crash). */
  exit(): Promise<void>;
}

export type CpuBackendFactory = () => Promise<CpuBackend>;

/** The real backend: wllama (and its 10 MB of WebAssembly) is fetched when the first CPU model is asked for. */
export const wllamaBackend: CpuBackendFactory = async () => {
  const [{ Wllama, LoggerWithoutDebug }, { default: wasmUrl }, { default: compatWasm }, { default: compatWorker }] = await Promise.all([
    import('@wllama/wllama'),
    import('@wllama/wllama/esm/wasm/wllama.wasm?url'),
    import('@wllama/wllama-compat/wasm/wllama.wasm?url'),
    import('@wllama/wllama-compat/wasm/wllama.js?url'),
  ]);
  // llama.cpp logs every tensor while loading: only warnings and errors reach the console
  const quiet = { ...LoggerWithoutDebug, log: () => {} };
  const wllama = new Wllama({ default: wasmUrl }, { logger: quiet, suppressNativeLog: true });
  // browsers without JSPI or 64-bit memory (Safari, older ones) take the slower compat build, from this site rather
  // than a CDN; the others never fetch it
  wllama.setCompat({ worker: compatWorker, wasm: compatWasm }, 'safari');
  return {
    async load(files, { threads, contextTokens }) {
      // n_gpu_layers 0: this is the CPU engine; WebGPU, when there is one, is web-llm's
      await wllama.loadModel(files, { n_threads: threads, n_ctx: contextTokens, n_gpu_layers: 0, n_parallel: 1 });
      return { threads: wllama.getNumThreads(), multithread: wllama.isMultithread() };
    },
    async chat(request, signal) {
      return wllama.createChatCompletion({ ...request, stream: true, stream_options: { include_usage: true }, abortSignal: signal } as Parameters<typeof wllama.createChatCompletion>[0] & { stream: true });
    },
    async exit() {
      await wllama.exit().catch(() => {});
    },
  };
};
