// The first visit's choices: which models can work here, written as link panels; nothing here touches the network.
import { PRESETS } from '../engines/presets.ts';
import type { CatalogEntry } from '../engines/webllm-catalog.ts';
import type { DialectId } from '../stream/dialects.ts';
import type { SiteEndpoint } from './site-file.ts';

/** A panel as a link writes it (the shape of the deep link's LinkPanel). */
export interface StartPanel {
  model: string;
  endpoint: string;
  dialect?: DialectId;
}

export interface StartChoice {
  id: string;
  title: string;
  detail: string;
  panels: StartPanel[];
}

/** The smallest in-browser model: the card offers it before knowing the device, then the one that fits. */
export const SMALLEST_IN_BROWSER = 'Qwen3-0.6B';

/** The panel where WebGPU is missing: Qwen3 on the CPU (llama.cpp in WebAssembly). */
export const CPU_PANEL: StartPanel | null = { model: 'Qwen3-0.6B', endpoint: 'wasm' };

/** Where `npm run proxy -- --upstream nim=…` forwards NVIDIA's hosted API. */
export const LOCAL_NIM_PROXY = 'http://127.0.0.1:8787/nim/v1';

const NIM_MODELS = ['qwen/qwen3-next-80b-a3b-instruct', 'qwen/qwen3-next-80b-a3b-thinking'];

/** The family a link names for the smallest Qwen3 model that fits `budgetMB` (the catalog is smallest first). */
export function smallestFitting(catalog: CatalogEntry[], budgetMB: number, f16: boolean): CatalogEntry | null {
  const quant = f16 ? 'q4f16_1' : 'q4f32_1';
  return catalog.find((e) => /^Qwen3-/.test(e.family) && e.quant === quant && (e.vramMB ?? Infinity) <= budgetMB) ?? null;
}

/** Site panels may name an endpoint instead of its URL ("model@nvidia"); its URL and server kind then apply. */
export function withSiteEndpoints<T extends StartPanel>(panels: T[], endpoints: SiteEndpoint[]): StartPanel[] {
  return panels.map((p) => {
    const named = endpoints.find((e) => e.name === p.endpoint) ?? endpoints.find((e) => e.baseURL.replace(/\/+$/, '') === p.endpoint.replace(/\/+$/, ''));
    if (!named) return p;
    return { model: p.model, endpoint: named.baseURL, ...(named.server ? { dialect: named.server as DialectId } : p.dialect ? { dialect: p.dialect } : {}) };
  });
}

/** NVIDIA's catalog through a proxy: the site's own (an endpoint of server kind "nim") or the local one. */
export function nvidiaChoice(endpoints: SiteEndpoint[]): StartChoice {
  const proxy = endpoints.find((e) => e.server === 'nim');
  const endpoint = proxy?.baseURL ?? LOCAL_NIM_PROXY;
  return {
    id: 'nvidia',
    title: 'Qwen3-Next-80B-A3B on NVIDIA’s API catalog',
    detail: proxy
      ? `Instruct and Thinking side by side, through ${proxy.name}.`
      : 'Instruct and Thinking side by side, through the local proxy: NVIDIA_API_KEY=nvapi-… npm run proxy -- --upstream nim=https://integrate.api.nvidia.com/v1',
    panels: NIM_MODELS.map((model) => ({ model, endpoint, dialect: 'nim' })),
  };
}

/** A server of your own: the presets that run on the person's machine, and the site's named endpoints. */
export function serverChoices(endpoints: SiteEndpoint[]): StartChoice[] {
  const site = endpoints
    .filter((e) => e.server !== 'nim')
    .map((e): StartChoice => ({ id: `site:${e.name}`, title: e.name, detail: e.baseURL, panels: [{ model: '', endpoint: e.baseURL, ...(e.server ? { dialect: e.server as DialectId } : {}) }] }));
  const own = PRESETS.filter((p) => p.id !== 'nvidia').map(
    (p): StartChoice => ({ id: p.id, title: p.label, detail: p.baseURL, panels: [{ model: p.models[0] ?? '', endpoint: p.baseURL, dialect: p.dialect }] }),
  );
  return [...site, ...own];
}
