// Agent mode: whether the panels get tools, which built-ins are on, the step limit, approval, and the tool sources the loop reads.
import type { ChatRequest, Engine, ToolChoice } from '../engines/types.ts';
import type { AgentTool, ToolOutcome, ToolSource } from '../agent/tool.ts';
import type { StreamEvent } from '../stream/events.ts';

type AgentModule = typeof import('../agent/index.ts');
type Call = import('../agent/index.ts').Call;

export const BUILTIN_TOOLS = [
  { name: 'calculator', label: 'Calculator', about: 'exact arithmetic' },
  { name: 'javascript', label: 'JavaScript', about: 'runs code in a sandbox: no network, no storage, 5 s' },
  { name: 'current_time', label: 'Current time', about: 'date, time and time zone' },
] as const;
export const BUILTIN_TOOL_NAMES: readonly string[] = BUILTIN_TOOLS.map((t) => t.name);
/** the most model calls of one turn, unless set (`&steps=`) */
export const DEFAULT_STEPS = 10;

/** A tool call waiting for the person's yes or no ("ask before each call"). */
export interface Ask {
  panelKey: string;
  call: Call;
  answer(yes: boolean): void;
}

/** Model-written (or person-edited) code, in the sandbox's iframe, loaded on the first run. */
export async function runCode(code: string, signal: AbortSignal): Promise<ToolOutcome> {
  try {
    const { runInSandbox } = await import('../sandbox/sandbox.ts');
    return await runInSandbox(code, signal);
  } catch (err) {
    return { ok: false, text: `Error: the code sandbox could not load (${String(err)}). Reload the page and try again.` };
  }
}

/** The built-in tools as one source among others (MCP servers are the others). */
export class BuiltinTools implements ToolSource {
  /** the built-ins switched on */
  names = $state<string[]>([...BUILTIN_TOOL_NAMES]);
  #tools: Record<string, AgentTool> | null = null;
  #load: () => Promise<AgentModule>;

  constructor(load: () => Promise<AgentModule>) {
    this.#load = load;
  }

  enabled(): AgentTool[] {
    const tools = this.#tools;
    return tools ? this.names.flatMap((n) => (tools[n] ? [tools[n]] : [])) : [];
  }

  async ready(): Promise<void> {
    try {
      const { builtinTools, warmCalculator } = await this.#load();
      if (this.names.includes('calculator')) warmCalculator();
      // model-written code runs in the sandbox's iframe, loaded on the first call
      this.#tools ??= { ...builtinTools(runCode) };
    } catch {
      // the loop says that the agent's code could not load
    }
  }
}

export class Agent {
  /** the panels get tools and run their loops */
  on = $state(false);
  maxSteps = $state(DEFAULT_STEPS);
  /** ask before each call */
  approval = $state(false);
  toolChoice = $state<ToolChoice>('auto');
  /** calls waiting for approval, across panels */
  asks = $state.raw<Ask[]>([]);
  readonly builtins: BuiltinTools;
  #sources = $state.raw<ToolSource[]>([]);
  #module: Promise<AgentModule> | null = null;

  constructor() {
    this.builtins = new BuiltinTools(() => this.load());
    this.#sources = [this.builtins];
  }

  get sources(): readonly ToolSource[] {
    return this.#sources;
  }

  /** Adds a source of tools (MCP servers); returns how to take it away. */
  register(source: ToolSource): () => void {
    this.#sources = [...this.#sources, source];
    if (this.on) void source.ready();
    return () => (this.#sources = this.#sources.filter((s) => s !== source));
  }

  /** Switches agent mode; its code (loop, tools, sources) starts loading at once. */
  setOn(on: boolean): void {
    this.on = on;
    if (on) for (const source of this.#sources) void source.ready();
  }

  /** The loop and the tools: loaded once, on first need; a failed load is tried again next time. */
  load(): Promise<AgentModule> {
    return (this.#module ??= import('../agent/index.ts').catch((err: unknown) => {
      this.#module = null;
      throw err;
    }));
  }

  /** The engine a panel streams from in agent mode: the loop over `engine`. */
  wrap(engine: Engine, panelKey: string): Engine {
    return { stream: (request, signal) => this.#run(engine, request, signal, panelKey), prepare: (dialect) => engine.prepare?.(dialect) };
  }

  /** The person's answer to a waiting call. */
  answer(ask: Ask, yes: boolean): void {
    this.asks = this.asks.filter((a) => a !== ask);
    ask.answer(yes);
  }

  async *#run(engine: Engine, request: ChatRequest, signal: AbortSignal, panelKey: string): AsyncGenerator<StreamEvent> {
    let agent: AgentModule;
    try {
      agent = await this.load();
    } catch (err) {
      const message = 'The agent code could not load. Reload the page: the connection may have dropped, or a new version of the app was published.';
      return yield { type: 'error', kind: 'network', message, detail: String(err), at: performance.now() };
    }
    // every source has connected and listed its tools (or failed, and says so) before the first request
    await Promise.all(this.#sources.map((s) => s.ready()));
    const tools: AgentTool[] = [];
    for (const tool of this.#sources.flatMap((s) => s.enabled())) if (!tools.some((t) => t.name === tool.name)) tools.push(tool);
    const approve = this.approval ? (call: Call, stop: AbortSignal) => this.#ask(panelKey, call, stop) : undefined;
    yield* agent.agentLoop(engine, request, { tools, maxSteps: this.maxSteps, toolChoice: this.toolChoice, approve }, signal);
  }

  #ask(panelKey: string, call: Call, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const stop = () => this.answer(ask, false);
      const ask: Ask = {
        panelKey,
        call,
        answer: (yes) => {
          signal.removeEventListener('abort', stop);
          resolve(yes);
        },
      };
      this.asks = [...this.asks, ask];
      signal.addEventListener('abort', stop, { once: true });
    });
  }
}
