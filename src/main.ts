// Boots the app: reopens the last comparison or builds one from the setup link, then mounts the root component.
import { mount } from 'svelte';
import App from './App.svelte';
import { createSanitizer } from './lib/markdown/sanitize.ts';
import { StorageError } from './lib/storage/db.ts';
import { Comparison } from './lib/state/comparison.svelte.ts';
import { appContext } from './lib/state/context.ts';
import { endpointOf, parseDeepLink, SETUP_PARAMS } from './lib/state/deep-link.ts';
import { Endpoints } from './lib/state/endpoints.svelte.ts';
import { measureRenderLag, setFlushRate } from './lib/state/frame-loop.ts';
import { History } from './lib/state/history.svelte.ts';
import './app.css';

// developer knobs: `?perf=1` records byte-to-screen lags for the render benchmark, `?hz=N` sets the update rate
const query = new URLSearchParams(location.search);
if (query.has('perf')) (window as unknown as { __renderLag: unknown }).__renderLag = measureRenderLag();
setFlushRate(Number(query.get('hz')));

const history = new History();
const endpoints = new Endpoints(async () => (await history.db) ?? Promise.reject(new StorageError(history.notice ?? 'Saving is not available in this browser.')));
const comparison = new Comparison(createSanitizer(window), undefined, endpoints);
comparison.recorder = history;
const link = parseDeepLink(location.search);
comparison.inBrowser.mirror = link.modelsFrom;

// once the comparison is saved the setup link has done its job: a reload reopens the saved comparison instead
history.onSaved = () => {
  const url = new URL(location.href);
  for (const name of SETUP_PARAMS) url.searchParams.delete(name);
  if (url.href !== location.href) window.history.replaceState(window.history.state, '', url);
};

// leaving or hiding the page: write what streamed since the last save, rather than up to half a second less
addEventListener('pagehide', () => history.saveNow());
document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && history.saveNow());

async function boot(): Promise<void> {
  if (link.panels.length) {
    for (const p of link.panels)
      comparison.addPanel({ endpoint: endpointOf(p), model: p.model, thinking: link.thinking, params: {} });
    comparison.system = link.system;
  } else {
    // a storage that does not answer soon (another tab blocking an upgrade) must not keep the page blank
    const saved = await Promise.race([history.current(), new Promise<null>((r) => setTimeout(() => r(null), 1500))]);
    if (saved) {
      await Promise.race([endpoints.ready, new Promise((r) => setTimeout(r, 500))]);
      comparison.load(saved);
    } else {
      comparison.addPanel({ endpoint: { baseURL: 'http://127.0.0.1:8000/v1', dialect: 'vllm' }, model: 'Qwen/Qwen3-Next-80B-A3B-Thinking', thinking: link.thinking, params: {} });
    }
  }
  if (link.stallTimeoutS) comparison.settings.stallTimeoutS = link.stallTimeoutS;
  if (!link.send) comparison.draft = link.prompt;
  const theme = await Promise.race([history.preference<'dark' | 'light'>('theme'), new Promise<undefined>((r) => setTimeout(r, 300))]);
  mount(App, { target: document.getElementById('app')!, context: appContext(comparison, history), props: { initialTheme: theme } });
  comparison.warmUp();
  if (link.send && link.prompt) comparison.send(link.prompt);
}

void boot();
