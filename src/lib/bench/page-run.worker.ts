// The page's benchmark in a worker: building prompts and reading streams stay off the main thread, which draws.
import { pageRun, type PageRunRequest } from './page-run.ts';

let controller: AbortController | null = null;

self.onmessage = (e: MessageEvent<{ type: 'run'; request: PageRunRequest } | { type: 'cancel' }>) => {
  if (e.data.type === 'cancel') return controller?.abort();
  controller = new AbortController();
  void pageRun(e.data.request, controller.signal, (m) => self.postMessage(m));
};
