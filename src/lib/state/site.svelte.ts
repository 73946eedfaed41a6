// The hosted page's state: the site file, the first visit's choices, example prompts, kiosk mode and its idle reset.
import { BUILT_IN_EXAMPLES } from '../site/examples.ts';
import { DEFAULT_IDLE_MINUTES, IdleTimer, kioskWanted } from '../site/idle.ts';
import { loadSiteFile, schemaValidator, siteFileURL, type Example, type SiteConfig } from '../site/site-file.ts';
import { CPU_PANEL, SMALLEST_IN_BROWSER, nvidiaChoice, serverChoices, smallestFitting, withSiteEndpoints, type StartChoice, type StartPanel } from '../site/start.ts';
import { downloadSize, formatBytes, memoryBudgetMB, qwenCatalog } from '../engines/webllm-catalog.ts';
import { CPU_CATALOG, resolveCpuModel } from '../engines/wllama-catalog.ts';
import type { ThinkingChoice } from '../engines/types.ts';
import { endpointOf, IN_BROWSER, parseDeepLink } from './deep-link.ts';
import type { Comparison } from './comparison.svelte.ts';

/** The first visit's in-browser offer: found from the device, then the catalog and the download size. */
export interface InBrowserOffer {
  state: 'checking' | 'ready' | 'unavailable';
  choice: StartChoice | null;
  /** why no model runs in this tab (no WebGPU…), in words */
  message: string;
}

export class Site {
  config = $state.raw<SiteConfig>({});
  notice = $state('');
  kiosk = $state(false);
  /** false while the browser says it has no network */
  online = $state(true);
  /** a new version is installed and opens on the next visit */
  updateWaiting = $state(false);
  offer = $state.raw<InBrowserOffer>({ state: 'checking', choice: null, message: '' });
  readonly #query: URLSearchParams;
  #idle: IdleTimer | null = null;
  #offering = false;

  constructor(query: URLSearchParams) {
    this.#query = query;
    this.kiosk = kioskWanted(query, undefined);
  }

  /** Reads the site file beside index.html; its absence is fine and a wrong file only adds a notice. */
  async load(documentURL: string, fetcher: typeof fetch = fetch): Promise<void> {
    const { config, notice } = await loadSiteFile(siteFileURL(documentURL), fetcher, schemaValidator);
    this.config = config;
    this.notice = notice ?? '';
    this.kiosk = kioskWanted(this.#query, config.kiosk?.enabled);
  }

  /** The site's example prompts, in its order; else the built-in set. */
  get examples(): Example[] {
    return this.config.examples?.length ? this.config.examples : BUILT_IN_EXAMPLES;
  }

  get idleMinutes(): number {
    return this.config.kiosk?.idleMinutes ?? DEFAULT_IDLE_MINUTES;
  }

  /** The site file's first-visit panels, in link form, with named endpoints resolved. */
  get panels(): StartPanel[] {
    const specs = this.config.panels ?? [];
    const parsed = parseDeepLink(`?${new URLSearchParams(specs.map((s) => ['panel', s]))}`).panels;
    return withSiteEndpoints(parsed, this.config.endpoints ?? []);
  }

  get serverChoices(): StartChoice[] {
    return serverChoices(this.config.endpoints ?? []);
  }

  get nvidiaChoice(): StartChoice {
    return nvidiaChoice(this.config.endpoints ?? []);
  }

  /** Sets the comparison's panels up from link-form panels (the site file's, or a start-card choice). */
  setUp(comparison: Comparison, panels: StartPanel[], thinking: ThinkingChoice = 'default'): void {
    for (const p of panels) comparison.addPanel({ endpoint: endpointOf(p), model: p.model, thinking, params: {} });
  }

  /**
   * Finds what can run in this tab: WebGPU's answer (no network), then web-llm's list and the weights' size
   * (the web-llm module from this site, the size from where the weights live). Never a model server.
   */
  async findInBrowserOffer(comparison: Comparison, deviceMemoryGB: number | undefined): Promise<void> {
    if (this.#offering) return;
    this.#offering = true;
    const device = await comparison.inBrowser.probe();
    if (!device.ok) {
      const size = CPU_PANEL && resolveCpuModel(CPU_CATALOG, CPU_PANEL.model)?.sizeBytes;
      const download = size ? ` · ${formatBytes(size)} download` : '';
      const cpu = CPU_PANEL && { id: 'cpu', title: `${CPU_PANEL.model} on this computer’s CPU${download}`, detail: 'No usable WebGPU here: runs on the processor, slower; downloaded once, then works offline.', panels: [CPU_PANEL] };
      this.offer = { state: cpu ? 'ready' : 'unavailable', choice: cpu, message: device.message };
      return;
    }
    const guess: StartChoice = { id: 'browser', title: `${SMALLEST_IN_BROWSER} in this browser`, detail: `Runs on ${device.gpu}; downloaded once, then works offline.`, panels: [{ model: SMALLEST_IN_BROWSER, endpoint: IN_BROWSER }] };
    this.offer = { state: 'ready', choice: guess, message: '' };
    try {
      const entry = smallestFitting(qwenCatalog(await comparison.inBrowser.modelList()), memoryBudgetMB(deviceMemoryGB), device.f16);
      if (!entry) {
        this.offer = { state: 'unavailable', choice: null, message: 'No Qwen3 model fits this device’s memory. Remote models still work.' };
        return;
      }
      const size = await downloadSize(entry.url);
      const mb = size === null ? '' : ` · ${formatBytes(size)} download`;
      this.offer = { state: 'ready', choice: { ...guess, title: `${entry.family} in this browser${mb}`, panels: [{ model: entry.family, endpoint: IN_BROWSER }] }, message: '' };
    } catch {
      // the catalog could not load: the guess stays, and the panel says what failed if the person picks it
    }
  }

  /** Kiosk mode: after the idle spell the conversation and the composer empty; the panels and their loaded models stay. */
  startIdleReset(comparison: Comparison): void {
    this.#idle?.stop();
    if (!this.kiosk) return;
    this.#idle = new IdleTimer(this.idleMinutes * 60_000, () => {
      // an answer still streaming is someone's: wait for the next quiet spell
      if (comparison.busy) return this.#idle?.poke();
      comparison.clear();
      comparison.draft = '';
    });
    this.#idle.poke();
  }

  /** Someone touched, typed or moved: the idle spell starts over. */
  activity(): void {
    this.#idle?.poke();
  }

  /** Leaves kiosk mode for this page (and its reloads: the link then says kiosk=0). */
  exitKiosk(href: string): string {
    this.kiosk = false;
    this.#idle?.stop();
    this.#idle = null;
    const url = new URL(href);
    url.searchParams.set('kiosk', '0');
    return url.href;
  }
}
