// Typed context for the page state, so components get it without prop drilling.
import { getContext } from 'svelte';
import type { Comparison } from './comparison.svelte.ts';
import type { History } from './history.svelte.ts';
import { Site } from './site.svelte.ts';
import type { McpServers } from './mcp-servers.svelte.ts';

const COMPARISON = Symbol('comparison');
const HISTORY = Symbol('history');
const SITE = Symbol('site');
const MCP = Symbol('mcp');

/** The context map to mount the app with. */
export function appContext(comparison: Comparison, history: History, site = new Site(new URLSearchParams()), mcp?: McpServers): Map<symbol, unknown> {
  return new Map<symbol, unknown>([
    [COMPARISON, comparison],
    [HISTORY, history],
    [SITE, site],
    [MCP, mcp],
  ]);
}

export function getComparison(): Comparison {
  return getContext<Comparison>(COMPARISON);
}

export function getHistory(): History {
  return getContext<History>(HISTORY);
}

export function getSite(): Site {
  return getContext<Site>(SITE);
}

/** The person's MCP servers (absent where the page was mounted without them). */
export function getMcpServers(): McpServers | undefined {
  return getContext<McpServers | undefined>(MCP);
}
