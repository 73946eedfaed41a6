// The Web Worker that runs web-llm: the catalog, the cache, model loading, shader compiling and decoding all stay here,
// so web-llm's code is downloaded once, by this worker, and never by the page.
import * as webllm from '@mlc-ai/web-llm';
import { serveWebLlm } from './webllm-worker-handler.ts';

serveWebLlm(self, webllm);
