// What a comparison and its runs look like on disk and in a share link: keys and headers never leave.
import type { Endpoint, ThinkingChoice } from '../engines/types.ts';
import type { StoredComparison, StoredEndpointRef, StoredEventBatch, StoredRun, StoredRunStatus } from '../storage/db.ts';
import { buildDeepLink } from './deep-link.ts';
import { DEFAULT_STEPS } from './agent.svelte.ts';
import type { Comparison, Panel, PanelSetup } from './comparison.svelte.ts';
import type { Run } from './run.svelte.ts';

export function endpointRef(endpoint: Endpoint): StoredEndpointRef {
  return { ...(endpoint.id ? { id: endpoint.id } : {}), baseURL: endpoint.baseURL, dialect: endpoint.dialect };
}

/** What the panel was set to when a run started: the run keeps it even if the panel changes later. */
export function setupAtStart(panel: Panel): PanelSetup {
  return $state.snapshot(panel.setup) as PanelSetup;
}

export function titleOf(comparison: { title: string; turns: readonly string[] }): string {
  const first = comparison.turns[0]?.replace(/\s+/g, ' ').trim() ?? '';
  return comparison.title || (first.length > 60 ? `${first.slice(0, 59)}…` : first) || 'Untitled comparison';
}

export function storedComparison(c: Comparison): StoredComparison {
  return {
    id: c.id,
    title: c.title,
    createdAt: c.createdAt,
    updatedAt: Date.now(),
    system: c.system,
    turns: [...c.turns],
    panels: c.panels.map((p) => {
      const setup = setupAtStart(p);
      return { key: p.key, model: setup.model, endpoint: endpointRef(setup.endpoint), thinking: setup.thinking, params: setup.params };
    }),
    settings: { stallTimeoutS: c.settings.stallTimeoutS },
  };
}

export interface RunPlace {
  comparisonId: string;
  panelKey: string;
  turn: number;
  setup: PanelSetup;
}

export const runId = (place: Pick<RunPlace, 'comparisonId' | 'panelKey' | 'turn'>): string => `${place.comparisonId}/${place.panelKey}/${place.turn}`;

/** A run's record; its text only once it has ended (its events carry the text while it streams). */
export function storedRun(place: RunPlace, run: Run, eventCount: number): StoredRun {
  const ended = run.ended;
  return {
    id: runId(place),
    comparisonId: place.comparisonId,
    panelKey: place.panelKey,
    turn: place.turn,
    model: place.setup.model,
    endpoint: endpointRef(place.setup.endpoint),
    thinking: place.setup.thinking,
    params: place.setup.params,
    startedAt: run.createdAt,
    updatedAt: Date.now(),
    status: run.status === 'idle' ? 'waiting' : (run.status satisfies StoredRunStatus),
    answer: ended ? run.answerText : '',
    reasoning: ended ? run.reasoningText : '',
    toolCalls: run.toolCallsNow,
    errorMessage: run.error?.message ?? null,
    metrics: run.metricsNow,
    loadMs: run.loadMs,
    queuedMs: run.queuedMs,
    eventCount,
  };
}

/** The events from `from` on, with times made relative to the run's creation so they survive a reload. */
export function eventBatch(id: string, n: number, run: Run, from: number): StoredEventBatch {
  return { runId: id, n, events: run.eventsFrom(from).map((e) => ({ ...e, at: e.at - run.origin })) };
}

/** The setup link of a comparison: its panels, system prompt and the prompt being typed (else the last); never a key. */
export function shareLink(c: Comparison, base: string): string {
  const thinking = new Set(c.panels.map((p) => p.setup.thinking));
  return buildDeepLink(base, {
    panels: c.panels.map((p) => ({ model: p.setup.model, endpoint: p.setup.endpoint.baseURL, dialect: p.setup.endpoint.dialect })),
    prompt: c.draft.trim() || (c.turns.at(-1) ?? ''),
    system: c.system,
    thinking: thinking.size === 1 ? ([...thinking][0] as ThinkingChoice) : 'default',
    ...(c.agent.on ? { tools: [...c.agent.builtins.names], steps: c.agent.maxSteps === DEFAULT_STEPS ? null : c.agent.maxSteps } : {}),
  });
}
