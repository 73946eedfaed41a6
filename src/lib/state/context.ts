// Typed context for the page state, so components get it without prop drilling.
import { getContext } from 'svelte';
import type { Comparison } from './comparison.svelte.ts';

const KEY = Symbol('comparison');

/** The context map to mount the app with. */
export function setComparison(comparison: Comparison): Map<symbol, Comparison> {
  return new Map([[KEY, comparison]]);
}

export function getComparison(): Comparison {
  return getContext<Comparison>(KEY);
}
