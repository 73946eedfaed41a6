// Boots the app: builds the page state from the deep link and mounts the root component.
import { mount } from 'svelte';
import App from './App.svelte';
import { createSanitizer } from './lib/markdown/sanitize.ts';
import { Comparison } from './lib/state/comparison.svelte.ts';
import { endpointOf, parseDeepLink } from './lib/state/deep-link.ts';
import { setComparison } from './lib/state/context.ts';
import { measureRenderLag, setFlushRate } from './lib/state/frame-loop.ts';
import './app.css';

// developer knobs: `?perf=1` records byte-to-screen lags for the render benchmark, `?hz=N` sets the update rate
const query = new URLSearchParams(location.search);
if (query.has('perf')) (window as unknown as { __renderLag: unknown }).__renderLag = measureRenderLag();
setFlushRate(Number(query.get('hz')));

const comparison = new Comparison(createSanitizer(window));
const link = parseDeepLink(location.search);
const panels = link.panels.length ? link.panels : [{ model: 'Qwen/Qwen3-Next-80B-A3B-Thinking', endpoint: 'http://127.0.0.1:8000/v1' }];
comparison.inBrowser.mirror = link.modelsFrom;
for (const p of panels) comparison.addPanel({ endpoint: endpointOf(p), model: p.model, thinking: link.thinking, params: {} });
comparison.system = link.system;
if (link.stallTimeoutS) comparison.settings.stallTimeoutS = link.stallTimeoutS;

const app = mount(App, { target: document.getElementById('app')!, context: setComparison(comparison), props: { initialPrompt: link.send ? '' : link.prompt } });
if (link.send && link.prompt) comparison.send(link.prompt);

export default app;
