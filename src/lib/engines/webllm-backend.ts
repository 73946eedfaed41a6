// The small face of web-llm that the in-browser engine uses: the real one in a Web Worker, fakes in tests.
import type { InitReport } from './webllm-progress.ts';
import type { ModelRecordLike } from './webllm-catalog.ts';
import type { SamplingParams } from './types.ts';

/** An OpenAI-shaped chat request, as web-llm takes it: the standard sampling fields only. */
export interface BackendChatRequest extends Pick<SamplingParams, 'temperature' | 'top_p' | 'max_tokens' | 'seed' | 'stop' | 'presence_penalty'> {
  model: string;
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
  stream: true;
  stream_options: { include_usage: true };
  extra_body?: { enable_thinking?: boolean };
}

export interface LlmBackend {
  /** Loads exactly these models (web-llm unloads what was there first). Rejects with the worker's string. */
  load(modelIds: string[], onProgress: (report: InitReport) => void): Promise<void>;
  /** Starts one answer; chunks are OpenAI `chat.completion.chunk` objects. */
  chat(request: BackendChatRequest): Promise<AsyncIterable<object> & { return?(): unknown }>;
  /** Stops every answer in progress in this engine (web-llm has one interrupt flag for all of them). */
  interrupt(): void;
  /** Ends the worker at once: the only way to stop a download midway. */
  terminate(): void;
}

export type BackendFactory = (modelList: ModelRecordLike[]) => LlmBackend;

/** The real backend: web-llm in a module worker, imported when the first in-browser model is asked for. */
export const workerBackend: BackendFactory = (modelList) => {
  const worker = new Worker(new URL('./webllm.worker.ts', import.meta.url), { type: 'module' });
  let progress: (report: InitReport) => void = () => {};
  type WorkerEngine = Awaited<ReturnType<typeof import('@mlc-ai/web-llm').CreateWebWorkerMLCEngine>>;
  let engine: WorkerEngine | null = null;
  let crashed: string | null = null;
  // an uncaught failure inside the worker (a wasm abort, a failed import) never answers the pending promise
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => reject((crashed = `Worker error: ${e.message || 'the worker failed to start'}`)));
  });
  failed.catch(() => {});
  return {
    async load(modelIds, onProgress) {
      progress = onProgress;
      const webllm = await import('@mlc-ai/web-llm');
      if (crashed) throw crashed;
      const appConfig = { ...webllm.prebuiltAppConfig, model_list: modelList as typeof webllm.prebuiltAppConfig.model_list };
      const ids = modelIds.length === 1 ? modelIds[0]! : modelIds;
      if (!engine) engine = await Promise.race([webllm.CreateWebWorkerMLCEngine(worker, ids, { appConfig, initProgressCallback: (r) => progress(r) }), failed]);
      else await Promise.race([engine.reload(ids), failed]);
    },
    async chat(request) {
      if (!engine) throw 'The model is not loaded.';
      return Promise.race([engine.chat.completions.create(request), failed]) as Promise<AsyncIterable<object>>;
    },
    interrupt() {
      engine?.interruptGenerate();
    },
    terminate() {
      worker.terminate();
    },
  };
};
