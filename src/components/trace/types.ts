// What the trace views are handed: each panel with its latest run and its colour.
import type { Panel } from '../../lib/state/comparison.svelte.ts';
import type { Run } from '../../lib/state/run.svelte.ts';

export interface TraceRow {
  panel: Panel;
  run: Run | undefined;
  color: string;
}

export function shortModel(model: string): string {
  return model.split('/').at(-1) || model;
}
