// Reads the host's site file: where it is, telling a real file from an SPA fallback, checking it, the one-line notice.
import { SITE_SCHEMA } from './schema.ts';

export const SITE_FILE = 'playground.json';

export interface SiteEndpoint {
  name: string;
  baseURL: string;
  server?: string;
}

export interface Example {
  title: string;
  prompt: string;
}

/** The site file as the page uses it: each key that passed the check (a wrong key is left out, never the file). */
export interface SiteConfig {
  welcome?: string;
  panels?: string[];
  endpoints?: SiteEndpoint[];
  examples?: Example[];
  kiosk?: { enabled?: boolean; idleMinutes?: number };
}

export interface SiteLoad {
  config: SiteConfig;
  /** what is wrong with the file, in one line naming the file and the key; null when nothing is */
  notice: string | null;
}

/** One error from a JSON Schema validator (the shape of @cfworker/json-schema's output). */
export interface SchemaError {
  instanceLocation: string;
  keyword: string;
  keywordLocation: string;
  error: string;
}

export type Validate = (value: unknown) => SchemaError[];

/** The site file's URL: beside index.html, so a page under a sub-path reads its own. */
export function siteFileURL(documentURL: string): string {
  return new URL(SITE_FILE, documentURL).href;
}

const NONE: SiteLoad = { config: {}, notice: null };

/**
 * Fetches and checks the site file. Absent (404, an SPA fallback's HTML, no network) is not an error: the page
 * simply has no site setup. `validator` is loaded only when there is a file to check.
 */
export async function loadSiteFile(url: string, fetcher: typeof fetch, validator: () => Promise<Validate>, timeoutMs = 3000): Promise<SiteLoad> {
  let text: string;
  try {
    const res = await fetcher(url, { cache: 'no-cache', signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return NONE;
    if (/html/i.test(res.headers.get('content-type') ?? '')) return NONE;
    text = await res.text();
  } catch {
    return NONE;
  }
  // an SPA fallback without a content type still answers with the page itself
  if (/^\s*</.test(text)) return NONE;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { config: {}, notice: `${SITE_FILE} is not valid JSON (${(err as Error).message}); the page opened without it.` };
  }
  return checkSiteFile(value, await validator());
}

/** Keeps every top-level key that passes the schema; the first wrong one is named in the notice. */
export function checkSiteFile(value: unknown, validate: Validate): SiteLoad {
  const errors = validate(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { config: {}, notice: `${SITE_FILE} should hold one JSON object ({ "panels": …, "examples": … }); the page opened without it.` };
  const wrong = new Set(errors.map((e) => topKey(e.instanceLocation)).filter((k): k is string => !!k));
  const config: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (!wrong.has(key) && key in SITE_SCHEMA.properties && key !== '$schema') config[key] = v;
  const first = leafError(errors);
  return { config: normalize(config), notice: first ? describe(first) : null };
}

function normalize(raw: Record<string, unknown>): SiteConfig {
  const config = raw as Omit<SiteConfig, 'examples'> & { examples?: Array<string | { title?: string; prompt: string }> };
  return {
    ...config,
    ...(config.examples
      ? { examples: config.examples.map((e) => (typeof e === 'string' ? { title: titleOf(e), prompt: e } : { title: e.title || titleOf(e.prompt), prompt: e.prompt })) }
      : {}),
  } as SiteConfig;
}

function titleOf(prompt: string): string {
  const line = prompt.replace(/\s+/g, ' ').trim();
  return line.length > 48 ? `${line.slice(0, 47)}…` : line;
}

function topKey(location: string): string | undefined {
  return location.split('/')[1];
}

/** The most specific error of the first failing key: validators report the parents (properties, items) first. */
function leafError(errors: SchemaError[]): SchemaError | undefined {
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i]!;
    const next = errors[i + 1];
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') return e;
    const deeper = next && (next.keywordLocation.startsWith(e.keywordLocation + '/') || next.instanceLocation.startsWith(e.instanceLocation + '/'));
    if (!deeper) return e;
  }
  return undefined;
}

/** `#/endpoints/0/baseURL` → `endpoints[0].baseURL` */
export function keyPath(location: string): string {
  return location
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : `${i ? '.' : ''}${decodeURIComponent(part)}`))
    .join('');
}

function describe(e: SchemaError): string {
  const where = keyPath(e.instanceLocation);
  const key = where.split(/[.[]/)[0];
  if (e.keyword === 'false' || e.keyword === 'additionalProperties')
    return `${SITE_FILE}: "${where}" is not a key the page knows (a typo?); it was left out.`;
  const wanted = descriptionAt(e.keywordLocation);
  const missing = e.keyword === 'required' ? /"([^"]+)"/.exec(e.error)?.[1] : undefined;
  const what = missing ? `${where} needs "${missing}"` : `${where} ${wanted ? `should be ${wanted}` : `is wrong (${e.error})`}`;
  return `${SITE_FILE}: ${what}; "${key}" was left out.`;
}

/** The description of the schema that holds the failing keyword. */
function descriptionAt(keywordLocation: string): string | undefined {
  const path = keywordLocation.replace(/^#\/?/, '').split('/').slice(0, -1);
  let node: unknown = SITE_SCHEMA;
  let found: string | undefined;
  for (const part of path) {
    node = (node as Record<string, unknown> | undefined)?.[decodeURIComponent(part)];
    const d = (node as { description?: unknown } | undefined)?.description;
    if (typeof d === 'string') found = d;
  }
  return found;
}

/** The validator, loaded when a site file is there to check. */
export async function schemaValidator(): Promise<Validate> {
  const { Validator } = await import('@cfworker/json-schema');
  const validator = new Validator(SITE_SCHEMA as never, '2020-12', false);
  return (value) => validator.validate(value).errors;
}
