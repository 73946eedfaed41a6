// Asks an endpoint which models it serves (GET /models), and reads from the answer which server it is.
import type { DialectId } from '../stream/dialects.ts';
import { httpFailure, isReachable, networkFailure } from './failures.ts';

export interface ModelInfo {
  id: string;
  /** the context length the server runs the model with, when it says */
  contextLength: number | null;
}

export interface Discovery {
  models: ModelInfo[];
  /** the server kind, when the answer gives it away */
  server: DialectId | null;
}

interface ModelCard {
  id?: unknown;
  owned_by?: unknown;
  max_model_len?: unknown;
  meta?: { n_ctx?: unknown; n_ctx_train?: unknown } | null;
}

/** Reads a /models answer: OpenAI's list shape, with each server's own fields. */
export function parseModelList(body: unknown, baseURL: string): Discovery {
  const list = body as { data?: unknown; models?: unknown } | null;
  const cards: ModelCard[] = Array.isArray(list?.data) ? (list.data as unknown[]).filter((c): c is ModelCard => typeof c === 'object' && c !== null) : [];
  const models = cards
    .filter((c) => typeof c.id === 'string' && c.id)
    .map((c) => ({ id: c.id as string, contextLength: contextOf(c) }));
  return { models, server: serverOf(cards, list, baseURL) };
}

function contextOf(card: ModelCard): number | null {
  for (const v of [card.max_model_len, card.meta?.n_ctx, card.meta?.n_ctx_train]) if (typeof v === 'number' && v > 0) return v;
  return null;
}

function serverOf(cards: ModelCard[], list: { models?: unknown } | null, baseURL: string): DialectId | null {
  const owners = new Set(cards.map((c) => c.owned_by));
  if (owners.has('vllm')) return 'vllm';
  if (owners.has('sglang')) return 'sglang';
  // llama.cpp answers with its own `models` list beside OpenAI's `data`
  if (owners.has('llamacpp') || Array.isArray(list?.models)) return 'llamacpp';
  let host = '';
  try {
    host = new URL(baseURL).host;
  } catch {
    /* an unparsable URL gives no hint */
  }
  if (host.endsWith('api.nvidia.com')) return 'nim';
  // Ollama names the owner after the model's namespace: "library" for official models
  if (owners.has('library') || host.endsWith(':11434')) return 'ollama';
  return null;
}

export type DiscoveryResult = { ok: true; discovery: Discovery } | { ok: false; message: string };

/** GET <base>/models with the endpoint's key; failures come back as the same sentences a chat would give. */
export async function discover(baseURL: string, apiKey: string | undefined, signal?: AbortSignal): Promise<DiscoveryResult> {
  const url = `${baseURL.replace(/\/+$/, '')}/models`;
  let response: Response;
  try {
    response = await fetch(url, { headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : {}, signal });
  } catch (err) {
    if (signal?.aborted) return { ok: false, message: 'Stopped.' };
    return { ok: false, message: networkFailure(baseURL, await isReachable(baseURL), String(err), 0).message };
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* keep the text */
  }
  if (response.status === 404) return { ok: false, message: `${url} was not found (HTTP 404). Is the base URL right? It usually ends in /v1.` };
  if (!response.ok) return { ok: false, message: httpFailure(response.status, body, response.headers.get('retry-after'), baseURL, '', 0).message };
  const discovery = parseModelList(body, baseURL);
  if (!discovery.models.length) return { ok: false, message: `${url} answered, but lists no models. Is the base URL right (it usually ends in /v1)?` };
  return { ok: true, discovery };
}
