import { describe, expect, it } from 'vitest';
import { checkSiteFile, keyPath, loadSiteFile, schemaValidator, siteFileURL } from './site-file.ts';

const validate = await schemaValidator();
const check = (value: unknown) => checkSiteFile(value, validate);

function answer(body: string, init: ResponseInit = {}): typeof fetch {
  return (async () => new Response(body, init)) as typeof fetch;
}

describe('the site file', () => {
  it('sits beside index.html, under a sub-path too', () => {
    expect(siteFileURL('https://example.org/tools/playground/index.html')).toBe('https://example.org/tools/playground/playground.json');
    expect(siteFileURL('https://example.org/tools/playground/?kiosk=1')).toBe('https://example.org/tools/playground/playground.json');
    expect(siteFileURL('https://example.org/')).toBe('https://example.org/playground.json');
  });

  it('a valid file gives every key; example strings become titled examples', () => {
    const load = check({
      welcome: 'Hello',
      panels: ['Qwen3-0.6B@webllm', 'qwen/qwen3-next-80b-a3b-instruct@nvidia'],
      endpoints: [{ name: 'nvidia', baseURL: 'https://proxy.example.org/nim/v1', server: 'nim' }],
      examples: ['Why is the sky blue?', { title: 'Code', prompt: 'Write fizzbuzz' }],
      kiosk: { enabled: true, idleMinutes: 5 },
    });
    expect(load.notice).toBeNull();
    expect(load.config.panels).toHaveLength(2);
    expect(load.config.examples).toEqual([
      { title: 'Why is the sky blue?', prompt: 'Why is the sky blue?' },
      { title: 'Code', prompt: 'Write fizzbuzz' },
    ]);
    expect(load.config.kiosk).toEqual({ enabled: true, idleMinutes: 5 });
  });

  it('a wrong key is left out and named with where it went wrong; the others still apply', () => {
    const load = check({ welcome: 'Hi', panels: ['Qwen3-0.6B@webllm', 'no-at-sign'], kiosk: { idleMinutes: 2 } });
    expect(load.notice).toContain('playground.json');
    expect(load.notice).toContain('panels[1]');
    expect(load.notice).toContain('<model>@<base URL');
    expect(load.config.panels).toBeUndefined();
    expect(load.config.welcome).toBe('Hi');
    expect(load.config.kiosk).toEqual({ idleMinutes: 2 });
  });

  it('names nested keys, a missing key, a typo and an example of the wrong kind', () => {
    expect(check({ kiosk: { idleMinutes: -1 } }).notice).toMatch(/kiosk\.idleMinutes should be minutes, more than 0/);
    expect(check({ endpoints: [{ name: 'x' }] }).notice).toMatch(/endpoints\[0\] needs "baseURL"/);
    expect(check({ endpoints: [{ name: 'x', baseURL: 'ftp://x' }] }).notice).toMatch(/endpoints\[0\]\.baseURL should be an http/);
    expect(check({ exampels: [] }).notice).toMatch(/"exampels" is not a key the page knows/);
    expect(check({ examples: [3] }).notice).toMatch(/examples\[0\] should be a prompt/);
  });

  it('a file that is not an object is named, and the page goes on without it', () => {
    expect(check([1, 2]).notice).toMatch(/playground\.json should hold one JSON object/);
    expect(check([1, 2]).config).toEqual({});
  });

  it('absent, an SPA fallback, or no network: no site setup and no notice', async () => {
    const url = 'https://example.org/playground.json';
    const loader = async () => validate;
    expect(await loadSiteFile(url, answer('not found', { status: 404 }), loader)).toEqual({ config: {}, notice: null });
    expect(await loadSiteFile(url, answer('<!doctype html><html></html>', { headers: { 'content-type': 'text/html' } }), loader)).toEqual({ config: {}, notice: null });
    expect(await loadSiteFile(url, answer('<!doctype html><html></html>'), loader)).toEqual({ config: {}, notice: null });
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await loadSiteFile(url, offline, loader)).toEqual({ config: {}, notice: null });
  });

  it('broken JSON still opens the page, with a notice; the validator loads only for a real file', async () => {
    let loaded = 0;
    const loader = async () => {
      loaded++;
      return validate;
    };
    const broken = await loadSiteFile('https://x/playground.json', answer('{ "welcome": ', { headers: { 'content-type': 'application/json' } }), loader);
    expect(broken.notice).toMatch(/^playground\.json is not valid JSON/);
    expect(loaded).toBe(0);
    const good = await loadSiteFile('https://x/playground.json', answer('{ "welcome": "Hi" }'), loader);
    expect(good.config.welcome).toBe('Hi');
    expect(loaded).toBe(1);
  });

  it('writes locations as a person reads them', () => {
    expect(keyPath('#/endpoints/0/baseURL')).toBe('endpoints[0].baseURL');
    expect(keyPath('#/kiosk')).toBe('kiosk');
  });
});

describe('the guide’s example site file (docs/playground.example.json)', () => {
  it('passes the check as written, and names its endpoint in the panels', async () => {
    const { readFile } = await import('node:fs/promises');
    const example = JSON.parse(await readFile(new URL('../../../docs/playground.example.json', import.meta.url), 'utf8'));
    const load = check(example);
    expect(load.notice).toBeNull();
    expect(load.config.panels).toEqual(['Qwen3-0.6B@webllm', 'qwen/qwen3-next-80b-a3b-instruct@nvidia', 'qwen/qwen3-next-80b-a3b-thinking@nvidia']);
    expect(load.config.endpoints?.[0]?.name).toBe('nvidia');
  });
});
