// The page's state: panels (a model each), the shared user turns, and each panel's runs under them.
import type { Sanitize } from '../markdown/sanitize.ts';
import { loadHighlighter } from '../markdown/highlight.ts';
import { warmUpHighlighter, warmUpMarkdown } from '../markdown/warm-up.ts';
import { inSpareTime, nextTask } from './frame-loop.ts';
import { RemoteInWorker } from '../engines/remote-in-worker.ts';
import { OfflineAware } from '../engines/offline.ts';
import { CONNECTIONS_PER_SERVER, OpenStreams, waitedInBrowser } from './open-streams.ts';
import { EngineRouter } from '../engines/router.ts';
import { appFailure } from '../engines/failures.ts';
import { InBrowser } from './in-browser.svelte.ts';
import { discover, type ModelInfo } from '../engines/discovery.ts';
import { DIALECTS, runsInBrowser } from '../stream/dialects.ts';
import type { ChatMessage, Endpoint, Engine, SamplingParams, ThinkingChoice } from '../engines/types.ts';
import { Run } from './run.svelte.ts';
import { turnMessages } from './steps.ts';
import { Agent } from './agent.svelte.ts';
import { Endpoints, sameBaseURL, type SavedEndpoint } from './endpoints.svelte.ts';
import type { LoadedComparison } from '../storage/history.ts';

export interface PanelSetup {
  endpoint: Endpoint;
  model: string;
  thinking: ThinkingChoice;
  params: SamplingParams;
}

let nextId = 1;

/** What keeps the history: told when the comparison changes and as each run starts and ends. */
export interface Recorder {
  changed(comparison: Comparison): void;
  runStarted(comparison: Comparison, panel: Panel, turn: number, run: Run): void;
  runEnded(comparison: Comparison, panel: Panel, turn: number, run: Run): void;
}

export const newId = (): string => crypto.randomUUID();

export class Panel {
  readonly id = nextId++;
  /** stable across reloads: saved runs name their panel by it */
  readonly key: string;
  setup = $state<PanelSetup>() as PanelSetup;
  /** one run per user turn, same index; a hole where the panel was not there yet */
  runs = $state.raw<Array<Run | undefined>>([]);
  /** what the endpoint said it serves, after `discover` */
  models = $state.raw<ModelInfo[]>([]);
  discovery = $state<{ state: 'idle' | 'busy' | 'done' | 'error'; message: string }>({ state: 'idle', message: '' });
  /** the person chose the server kind: discovery leaves it alone */
  serverChosen = false;
  #controller: AbortController | null = null;

  constructor(setup: PanelSetup, key = newId()) {
    this.setup = setup;
    this.key = key;
  }

  /** Points the panel at a saved endpoint: its URL, key, headers and server kind. */
  useEndpoint(saved: SavedEndpoint): void {
    this.setup.endpoint = { id: saved.id, baseURL: saved.baseURL, apiKey: saved.apiKey, dialect: saved.dialect, headers: { ...saved.headers } };
    this.serverChosen = true;
    this.models = [];
    this.discovery = { state: 'idle', message: '' };
  }

  /** Lists the endpoint's models and, unless the person chose, sets the server kind from the answer. */
  async discover(): Promise<void> {
    const { baseURL, apiKey } = this.setup.endpoint;
    this.discovery = { state: 'busy', message: 'Asking the endpoint for its models…' };
    const result = await discover(baseURL, apiKey);
    if (baseURL !== this.setup.endpoint.baseURL) return; // the URL changed meanwhile: that answer is stale
    if (!result.ok) {
      this.models = [];
      this.discovery = { state: 'error', message: result.message };
      return;
    }
    const { models, server } = result.discovery;
    this.models = models;
    if (server && !this.serverChosen) this.setup.endpoint.dialect = server;
    if (!this.setup.model && models[0]) this.setup.model = models[0].id;
    const context = models.find((m) => m.id === this.setup.model)?.contextLength ?? models[0]?.contextLength;
    this.discovery = {
      state: 'done',
      message: [
        server ? DIALECTS[server].label : 'Server kind not recognised',
        `${models.length} model${models.length === 1 ? '' : 's'}`,
        context ? `${context.toLocaleString('en-US')} tokens of context` : '',
      ]
        .filter(Boolean)
        .join(' · '),
    };
  }

  get latest(): Run | undefined {
    return this.runs.at(-1);
  }

  get busy(): boolean {
    const run = this.latest;
    return !!run && !run.ended;
  }

  /** Streams this panel's answer to turn `turn`, replacing an earlier run of that turn. */
  async start(engine: Engine, history: ChatMessage[], turn: number, sanitize: Sanitize, stallTimeoutMs: number, onStart?: (run: Run) => void): Promise<Run> {
    this.stop();
    const controller = new AbortController();
    this.#controller = controller;
    const run = new Run(sanitize);
    const runs = this.runs.slice(0, turn);
    runs[turn] = run;
    this.runs = runs;
    onStart?.(run);
    const request = { endpoint: $state.snapshot(this.setup.endpoint), model: this.setup.model, thinking: this.setup.thinking, params: $state.snapshot(this.setup.params), messages: history, stallTimeoutMs };
    // each panel's request is built and sent in a task of its own, after the new answers are on screen: one
    // task for all of them made the frame after Enter long (engines start the answer's clock when they send)
    await new Promise((resolve) => setTimeout(resolve));
    try {
      for await (const event of engine.stream(request, controller.signal)) run.apply(event);
    } catch (err) {
      // engines turn failures into events; anything that still escapes is a bug, shown rather than swallowed
      run.apply(appFailure(err, performance.now()));
    }
    if (!run.ended) run.apply({ type: 'stopped', at: performance.now() });
    if (this.#controller === controller) this.#controller = null;
    return run;
  }

  stop(): void {
    this.#controller?.abort();
    this.#controller = null;
  }
}

export interface Settings {
  stallTimeoutS: number;
}

export class Comparison {
  /** the history record this is saved as */
  id = $state(newId());
  /** the person's name for it; empty: the first prompt names it */
  title = $state('');
  createdAt = Date.now();
  system = $state('');
  /** the prompt being typed: kept here so a share link can carry it */
  draft = $state('');
  turns = $state.raw<string[]>([]);
  panels = $state.raw<Panel[]>([]);
  settings = $state<Settings>({ stallTimeoutS: 120 });
  /** agent mode: tools, the loop's settings, and the sources of tools */
  readonly agent = new Agent();
  readonly endpoints: Endpoints;
  readonly inBrowser: InBrowser;
  /** streams open per server here and in other tabs: past the browser's limit, requests wait in the browser */
  readonly #streams: OpenStreams;
  readonly #sanitize: Sanitize;
  readonly #engine: Engine;
  /** counts `load` calls: a load that a later one overtook while it replayed shows nothing */
  #loads = 0;
  /** the highlighter loaded and, in spare time, run over each language: once */
  #highlighterWarm: Promise<void> | null = null;
  recorder: Recorder | null = null;

  constructor(sanitize: Sanitize, engine?: Engine, endpoints = new Endpoints(), inBrowser = new InBrowser(), streams = new OpenStreams()) {
    this.#sanitize = sanitize;
    this.#streams = streams;
    this.inBrowser = inBrowser;
    this.#engine = engine ?? new EngineRouter(new OfflineAware(new RemoteInWorker()), inBrowser.engine, inBrowser.cpu.engine);
    this.endpoints = endpoints;
    // a panel opened on the base URL of a saved endpoint gets its key and headers (links never carry keys)
    void endpoints.ready.then(() => {
      for (const panel of this.panels) {
        if (runsInBrowser(panel.setup.endpoint.dialect)) continue;
        const saved = panel.setup.endpoint.id ? undefined : endpoints.byURL(panel.setup.endpoint.baseURL);
        if (saved) panel.useEndpoint(saved);
      }
    });
  }

  /** Saves an endpoint and brings the panels that use it up to date. */
  async saveEndpoint(endpoint: SavedEndpoint): Promise<void> {
    await this.endpoints.save(endpoint);
    for (const panel of this.panels) {
      const { id, baseURL } = panel.setup.endpoint;
      if (id === endpoint.id || (!id && sameBaseURL(baseURL, endpoint.baseURL))) panel.useEndpoint(endpoint);
    }
  }

  get busy(): boolean {
    return this.panels.some((p) => p.busy);
  }

  addPanel(setup: PanelSetup): Panel {
    const panel = new Panel(setup);
    this.panels = [...this.panels, panel];
    return panel;
  }

  removePanel(panel: Panel): void {
    panel.stop();
    this.panels = this.panels.filter((p) => p !== panel);
    this.recorder?.changed(this);
  }

  /** Sends a new user turn to every panel at once; one panel failing never stops the others. */
  send(prompt: string): void {
    const text = prompt.trim();
    if (!text || this.busy) return;
    this.turns = [...this.turns, text];
    const turn = this.turns.length - 1;
    this.recorder?.changed(this);
    for (const panel of this.panels) void this.#startPanel(panel, turn);
  }

  /** Runs the panel's answer to the last turn again. */
  regenerate(panel: Panel): void {
    if (!this.turns.length) return;
    this.recorder?.changed(this);
    void this.#startPanel(panel, this.turns.length - 1);
  }

  /**
   * The key an endpoint asked for, typed where its answer failed: every panel on that base URL takes it
   * (in memory, as the setup's key field does), and those whose last answer failed for want of it ask again.
   */
  useKey(baseURL: string, apiKey: string): void {
    for (const panel of this.panels) {
      const { dialect, baseURL: url } = panel.setup.endpoint;
      if (runsInBrowser(dialect) || !sameBaseURL(url, baseURL)) continue;
      panel.setup.endpoint.apiKey = apiKey;
      if (!panel.busy && panel.latest?.error?.kind === 'auth') this.regenerate(panel);
    }
  }

  /** Takes the last turn back (and every panel's answer to it) so it can be edited and sent again. */
  editLastTurn(): string {
    const last = this.turns.at(-1) ?? '';
    this.stopAll();
    this.turns = this.turns.slice(0, -1);
    for (const panel of this.panels) panel.runs = panel.runs.slice(0, this.turns.length);
    this.recorder?.changed(this);
    return last;
  }

  /**
   * The page has loaded: run the first answer's markdown path once, then load the highlighter and run it
   * once over each language, in idle moments (see warm-up.ts). Most people read the page a few seconds
   * before they type; a language's first use compiles its grammar in one go (Java's took 50-65 ms in
   * Chromium), which is better done then than between two keystrokes.
   */
  warmUp(): void {
    inSpareTime([...warmUpMarkdown(this.#sanitize), () => this.#warmHighlighter()]);
  }

  /** The person is typing: load what the panels' first requests and the first code block would wait for. */
  prepare(): void {
    for (const panel of this.panels) this.#engine.prepare?.(panel.setup.endpoint.dialect);
    this.#warmHighlighter();
  }

  #warmHighlighter(): void {
    // a highlighter that cannot load leaves the code plain where it is shown: nothing to do here
    this.#highlighterWarm ??= loadHighlighter().then((hljs) => inSpareTime(warmUpHighlighter(hljs)), () => undefined);
  }

  stopAll(): void {
    for (const panel of this.panels) panel.stop();
  }

  /** The conversation as one panel sees it: shared user turns, its own earlier answers and their tool steps. */
  history(panel: Panel, turn: number): ChatMessage[] {
    const messages: ChatMessage[] = this.system.trim() ? [{ role: 'system', content: this.system.trim() }] : [];
    for (let i = 0; i <= turn; i++) {
      messages.push({ role: 'user', content: this.turns[i]! });
      const run = panel.runs[i];
      // an earlier agent turn carries its tool calls and results, not only its final answer
      if (i < turn && run) messages.push(...turnMessages(run));
    }
    return messages;
  }

  async #startPanel(panel: Panel, turn: number): Promise<void> {
    const { dialect, baseURL } = panel.setup.endpoint;
    const stream = runsInBrowser(dialect) ? null : this.#streams.open(baseURL);
    const onStart = (run: Run) => {
      // behind the browser's limit the request waits for a connection: said in the run itself, so it stays
      // with the time to first token it inflates (in the history and exports too)
      if (stream && stream.ahead >= CONNECTIONS_PER_SERVER) run.apply(waitedInBrowser(baseURL, stream.ahead, performance.now()));
      this.recorder?.runStarted(this, panel, turn, run);
    };
    try {
      const engine = this.agent.on ? this.agent.wrap(this.#engine, panel.key) : this.#engine;
      const run = await panel.start(engine, this.history(panel, turn), turn, this.#sanitize, this.settings.stallTimeoutS * 1000, onStart);
      this.recorder?.runEnded(this, panel, turn, run);
    } finally {
      stream?.close();
    }
  }

  /** Starts afresh with the same panels: a new history record, no turns. */
  clear(): void {
    this.stopAll();
    this.id = newId();
    this.title = '';
    this.createdAt = Date.now();
    this.turns = [];
    for (const panel of this.panels) panel.runs = [];
  }

  /**
   * Shows a saved comparison: its panels, turns and every run, replayed from the saved events. The replays
   * run in tasks of at most about 8 ms (4 answers of 20k tokens held the page for one 250 ms frame), and all
   * runs are shown together at the end, so nothing appears half loaded. Resolves once shown; false where a
   * later load overtook it, or `wanted()` no longer holds when the replays are done.
   */
  async load(saved: LoadedComparison, wanted: () => boolean = () => true): Promise<boolean> {
    const load = ++this.#loads;
    // the highlighter loads while the runs replay: coming in mid-fill, it highlighted every code block filled in so far in one task
    if (saved.runs.length) void loadHighlighter();
    const replayed: Array<{ panelKey: string; turn: number; run: Run }> = [];
    for (const { run, events } of saved.runs) {
      const steps = Run.replaying(this.#sanitize, events);
      for (let step = steps.next(); ; step = steps.next()) {
        await nextTask();
        if (load !== this.#loads) return false;
        if (step.done) {
          replayed.push({ panelKey: run.panelKey, turn: run.turn, run: step.value });
          break;
        }
      }
    }
    if (!wanted()) return false;
    this.stopAll();
    const { comparison: c } = saved;
    this.id = c.id;
    this.title = c.title;
    this.createdAt = c.createdAt;
    this.system = c.system;
    this.settings.stallTimeoutS = c.settings.stallTimeoutS;
    this.panels = c.panels.map((p) => {
      const panel = new Panel({ endpoint: { ...p.endpoint }, model: p.model, thinking: p.thinking, params: { ...p.params } }, p.key);
      const saved = this.endpoints.find(p.endpoint.id) ?? this.endpoints.byURL(p.endpoint.baseURL);
      if (saved) panel.useEndpoint(saved);
      panel.setup.endpoint.dialect = p.endpoint.dialect;
      const runs: Run[] = [];
      for (const r of replayed) if (r.panelKey === p.key && r.turn < c.turns.length) runs[r.turn] = r.run;
      panel.runs = runs;
      return panel;
    });
    this.turns = [...c.turns];
    return true;
  }
}
