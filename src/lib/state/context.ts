// Typed context for the page state, so components get it without prop drilling.
import { getContext } from 'svelte';
import type { Comparison } from './comparison.svelte.ts';
import type { History } from './history.svelte.ts';

const COMPARISON = Symbol('comparison');
const HISTORY = Symbol('history');

/** The context map to mount the app with. */
export function appContext(comparison: Comparison, history: History): Map<symbol, unknown> {
  return new Map<symbol, unknown>([
    [COMPARISON, comparison],
    [HISTORY, history],
  ]);
}

export function getComparison(): Comparison {
  return getContext<Comparison>(COMPARISON);
}

export function getHistory(): History {
  return getContext<History>(HISTORY);
}
