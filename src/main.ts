// Boots the app: reopens the last comparison or builds one from the setup link, then mounts the root component.
import { mount } from 'svelte';
import App from './App.svelte';
import { createSanitizer } from './lib/markdown/sanitize.ts';
import { StorageError } from './lib/storage/db.ts';
import { Comparison } from './lib/state/comparison.svelte.ts';
import { appContext } from './lib/state/context.ts';
import { endpointOf, parseDeepLink, SETUP_PARAMS } from './lib/state/deep-link.ts';
import { Endpoints } from './lib/state/endpoints.svelte.ts';
import { BUILTIN_TOOL_NAMES } from './lib/state/agent.svelte.ts';
import { measureRenderLag, setFlushRate } from './lib/state/frame-loop.ts';
import { History } from './lib/state/history.svelte.ts';
import { McpServers } from './lib/state/mcp-servers.svelte.ts';
import { storedComparison } from './lib/state/record.svelte.ts';
import { OpenStreams, tabsChannel } from './lib/state/open-streams.ts';
import { Site } from './lib/state/site.svelte.ts';
import type { LoadedComparison } from './lib/storage/history.ts';
import './app.css';
import './site.css';

// developer knobs: `?perf=1` records byte-to-screen lags for the render benchmark, `?hz=N` sets the update rate
const query = new URLSearchParams(location.search);
if (query.has('perf')) (window as unknown as { __renderLag: unknown }).__renderLag = measureRenderLag();
setFlushRate(Number(query.get('hz')));

const history = new History();
const endpoints = new Endpoints(async () => (await history.db) ?? Promise.reject(new StorageError(history.notice ?? 'Saving is not available in this browser.')));
const streams = new OpenStreams(tabsChannel());
const comparison = new Comparison(createSanitizer(window), undefined, endpoints, undefined, streams);
comparison.recorder = history;
const link = parseDeepLink(location.search);
comparison.inBrowser.mirror = link.modelsFrom;
comparison.inBrowser.cpu.mirror = link.modelsFrom;
comparison.inBrowser.cpu.threadsAsked = link.cpuThreads;
// the host's site file (beside index.html), read alongside the saved comparison
const site = new Site(query);
site.online = navigator.onLine;
const siteRead = site.load(document.baseURI);
// MCP servers: the link's connect now (their tools all on); saved ones wait until agent mode or the Tools dialog needs them
const mcp = new McpServers(async () => (await history.db) ?? Promise.reject(new StorageError(history.notice ?? 'Saving is not available in this browser.')), location.origin);
mcp.fromLink(link.mcp);
// the built-ins keep their names; an MCP tool called the same gets its server's name as a prefix
mcp.reserved = BUILTIN_TOOL_NAMES;
comparison.agent.register(mcp);

// once the comparison is saved the setup link has done its job: a reload reopens the saved comparison instead
history.onSaved = () => {
  const url = new URL(location.href);
  for (const name of SETUP_PARAMS) url.searchParams.delete(name);
  if (url.href !== location.href) window.history.replaceState(window.history.state, '', url);
};

// leaving or hiding the page: write what streamed since the last save, rather than up to half a second less
addEventListener('pagehide', () => {
  history.saveNow();
  streams.goodbye();
});
document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && history.saveNow());

/** What `promise` gives if it settles within `ms`, else `otherwise`: storage that answers late must not keep the page blank. */
function within<T>(promise: Promise<T>, ms: number, otherwise: T): Promise<T> {
  return Promise.race([promise, new Promise<T>((r) => setTimeout(() => r(otherwise), ms))]);
}

/**
 * Resolves once the browser has drawn a frame after this point, so that what comes next gets a frame of its own
 * (a hidden tab draws none: a timer stands in).
 */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100);
  });
}

/** What a person can change before sending: the panels and the system prompt. */
function setupOf(c: Comparison): string {
  const { panels, system } = storedComparison(c);
  return JSON.stringify({ panels: panels.map(({ key: _, ...setup }) => setup), system });
}

async function reopen(saved: LoadedComparison, wanted?: () => boolean): Promise<void> {
  await within(endpoints.ready, 500, undefined);
  await comparison.load(saved, wanted);
}

async function boot(): Promise<void> {
  // the theme's copy in localStorage draws the first screen without waiting for the database; where there is
  // none yet (a choice saved before the copy existed), the database's applies when it answers (see App)
  const themeNow = history.preferenceNow<'dark' | 'light'>('theme');
  const savedTheme = themeNow ? Promise.resolve(themeNow) : history.preference<'dark' | 'light'>('theme').catch(() => undefined);
  if (link.panels.length) {
    for (const p of link.panels)
      comparison.addPanel({ endpoint: endpointOf(p), model: p.model, thinking: link.thinking, params: {} });
    comparison.system = link.system;
  } else {
    // storage can answer late (a busy machine, another tab blocking an upgrade): start with a fresh panel then,
    // and bring the last comparison back when it does answer, unless a prompt went out meanwhile
    const current = history.current().catch(() => null);
    const saved = await within(current, 1500, null);
    if (saved) await reopen(saved);
    else {
      // the host's first-visit panels; with none, the start card offers what can work here (and sends nothing)
      await within(siteRead, 1500, undefined);
      site.setUp(comparison, site.panels, link.thinking);
      // a setup the person has begun (a model picked, a panel added, a system prompt) is theirs: the late one stays in History
      const untouched = setupOf(comparison);
      const stillUntouched = () => comparison.turns.length === 0 && setupOf(comparison) === untouched;
      // asked when storage answers, and again once the runs have replayed: the person may begin meanwhile
      void current.then((late) => {
        if (late && stillUntouched()) void reopen(late, stillUntouched);
      });
    }
  }
  if (link.stallTimeoutS) comparison.settings.stallTimeoutS = link.stallTimeoutS;
  if (link.tools) {
    comparison.agent.builtins.names = link.tools.filter((name) => BUILTIN_TOOL_NAMES.includes(name));
    comparison.agent.setOn(true);
  }
  if (link.steps) comparison.agent.maxSteps = link.steps;
  // a link's MCP servers are there to be used: agent mode comes on with them
  if (link.mcp.length) comparison.agent.setOn(true);
  if (!link.send) comparison.draft = link.prompt;
  // with a setup link nothing waits for storage (mounted in its answer, the first screen took a frame of its
  // own there). Nor is it built in the frame that evaluated this module: each alone stays under 50 ms of a
  // 2-core machine's time, together they made one long frame of 60-70 ms. The page's colours come first.
  // Without a link the page has waited for storage already; it waits for the site file too, so that a
  // stand's kiosk mode is locked from the first paint (?kiosk=1 is known at once either way).
  document.documentElement.dataset.theme = themeNow ?? (matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark');
  if (!link.panels.length) await within(siteRead, 1500, undefined);
  await afterPaint();
  mount(App, { target: document.getElementById('app')!, context: appContext(comparison, history, site, mcp), props: { savedTheme } });
  site.startIdleReset(comparison);
  void siteRead.then(() => site.startIdleReset(comparison));
  comparison.warmUp();
  if (link.send && link.prompt) comparison.send(link.prompt);
  // the offline shell is set up after the page is on screen: nothing in the first paint waits for it
  void import('./service-worker.ts').then((sw) => sw.registerServiceWorker(site));
}

void boot();
