// Export and import: a lossless, versioned JSON file, and a readable Markdown page. Never a key.
import type { StoredComparison, StoredRun } from './db.ts';
import type { StreamEvent } from '../stream/events.ts';
import type { LoadedComparison } from './history.ts';
import { seconds } from '../metrics/format.ts';
import { answerTotalMs, type MetricsSnapshot } from '../metrics/metrics.ts';

export const EXPORT_FORMAT = 'qwen-playground/comparison';
export const EXPORT_VERSION = 1;

export interface ExportFile extends LoadedComparison {
  format: typeof EXPORT_FORMAT;
  version: number;
  exportedAt: string;
}

export function exportJSON(loaded: LoadedComparison, now = new Date()): string {
  const file: ExportFile = { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: now.toISOString(), comparison: loaded.comparison, runs: loaded.runs };
  return JSON.stringify(file, null, 1);
}

export class ImportError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

/** Reads an export, checking enough of its shape that a wrong file is refused with a reason, not half-loaded. */
export function parseExport(text: string): LoadedComparison {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ImportError('This file is not JSON: choose a file exported from Qwen Playground (Export JSON).');
  }
  if (!isObject(data) || data.format !== EXPORT_FORMAT) throw new ImportError('This JSON is not a Qwen Playground export (its "format" is missing or different).');
  if (typeof data.version !== 'number' || data.version > EXPORT_VERSION)
    throw new ImportError(`This export is version ${String(data.version)}; this app reads up to version ${EXPORT_VERSION}. Update the app and try again.`);
  const c = data.comparison;
  if (!isObject(c) || !isString(c.id) || !Array.isArray(c.turns) || !c.turns.every(isString) || !Array.isArray(c.panels))
    throw new ImportError('The export has no readable comparison (id, turns and panels are needed).');
  for (const p of c.panels) {
    if (!isObject(p) || !isString(p.key) || !isString(p.model) || !isObject(p.endpoint) || !isString(p.endpoint.baseURL))
      throw new ImportError('A panel in the export lacks its model or endpoint.');
    // a hand-edited file must not smuggle a key or headers into storage
    p.endpoint = { ...(isString(p.endpoint.id) ? { id: p.endpoint.id } : {}), baseURL: p.endpoint.baseURL, dialect: p.endpoint.dialect };
  }
  if (!Array.isArray(data.runs)) throw new ImportError('The export has no list of runs.');
  for (const r of data.runs) {
    if (!isObject(r) || !isObject(r.run) || !isString(r.run.panelKey) || typeof r.run.turn !== 'number' || !Array.isArray(r.events))
      throw new ImportError('A run in the export is incomplete (panel, turn and events are needed).');
    if (isObject(r.run.endpoint)) r.run.endpoint = { ...(isString(r.run.endpoint.id) ? { id: r.run.endpoint.id } : {}), baseURL: r.run.endpoint.baseURL, dialect: r.run.endpoint.dialect };
  }
  return { comparison: c as unknown as StoredComparison, runs: data.runs as LoadedComparison['runs'] };
}

/** The same comparison under another id (import beside an existing copy, duplicate). */
export function withId(loaded: LoadedComparison, id: string, title = loaded.comparison.title): LoadedComparison {
  const now = Date.now();
  return {
    comparison: { ...loaded.comparison, id, title, updatedAt: now },
    runs: loaded.runs.map(({ run, events }) => ({ run: { ...run, id: `${id}/${run.panelKey}/${run.turn}`, comparisonId: id }, events })),
  };
}

const fenced = (lang: string, text: string) => `\`\`\`${lang}\n${text.replace(/\`\`\`/g, "'''")}\n\`\`\``;

interface ExportedStep {
  reasoning: string;
  answer: string;
  tools: Array<{ id: string; name: string; args: string; state: string; result: string | null; ms: number | null; startedAt: number | null }>;
}

/** An agent turn's model calls that ended in tool calls, with the tools each ran, read from the saved events. */
export function agentSteps(events: readonly StreamEvent[]): ExportedStep[] {
  const steps: ExportedStep[] = [];
  let reasoning = '';
  let answer = '';
  for (const e of events) {
    if (e.type === 'reasoning') reasoning += e.text;
    else if (e.type === 'content') answer += e.text;
    else if (e.type === 'call-end') {
      steps.push({ reasoning, answer, tools: [] });
      reasoning = answer = '';
    } else if ((e.type === 'tool-ask' || e.type === 'tool-start' || e.type === 'tool-result') && steps.length) {
      const tools = steps.at(-1)!.tools;
      let tool = tools.find((t) => t.id === e.id);
      if (!tool && e.type !== 'tool-result') tools.push((tool = { id: e.id, name: e.name, args: e.args, state: 'asking', result: null, ms: null, startedAt: null }));
      if (!tool) continue;
      if (e.type === 'tool-start') Object.assign(tool, { state: 'running', startedAt: e.at });
      if (e.type === 'tool-result') Object.assign(tool, { state: e.state, result: e.text, ms: tool.startedAt === null ? null : e.at - tool.startedAt });
    }
  }
  return steps;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const tokens = (m: MetricsSnapshot | null) => (m?.outputTokens ? `${m.outputTokens.source === 'chunks' ? '~' : ''}${m.outputTokens.value} (${m.outputTokens.source})` : '–');
const rate = (m: MetricsSnapshot | null) => (m?.decodeTps == null ? '–' : `${m.decodeTps.toFixed(1)}`);

/** A readable page: per turn, the numbers side by side in a table, then each model's reasoning and answer. */
export function exportMarkdown(loaded: LoadedComparison, title: string, now = new Date()): string {
  const { comparison: c, runs } = loaded;
  const out: string[] = [`# ${title}`, '', `_Exported from Qwen Playground on ${now.toISOString().slice(0, 10)} · ${c.panels.length} model${c.panels.length === 1 ? '' : 's'}_`, ''];
  if (c.system) out.push('**System prompt**', '', ...c.system.split('\n').map((l) => `> ${l}`), '');
  c.turns.forEach((prompt, turn) => {
    const saved = c.panels.map((p) => runs.find((r) => r.run.panelKey === p.key && r.run.turn === turn));
    const row = saved.map((r) => r?.run);
    out.push(`## Turn ${turn + 1}`, '', ...prompt.split('\n').map((l) => `> ${l}`), '');
    out.push(`| | ${c.panels.map((p) => cell(p.model)).join(' | ')} |`, `|---|${c.panels.map(() => '---').join('|')}|`);
    const line = (label: string, f: (r: StoredRun | undefined) => string) => out.push(`| ${label} | ${row.map((r) => cell(f(r))).join(' | ')} |`);
    line('Endpoint', (r) => (r ? `${r.endpoint.baseURL} (${r.endpoint.dialect})` : '–'));
    line('Status', (r) => r?.status ?? 'not sent');
    if (row.some((r) => r?.queuedMs != null)) line('Queued', (r) => seconds(r?.queuedMs));
    if (row.some((r) => r?.loadMs != null)) line('Model load', (r) => seconds(r?.loadMs));
    line('Time to first token', (r) => seconds(r?.metrics?.ttftMs));
    line('Thinking', (r) => seconds(r?.metrics?.thinkingMs));
    line('Output tokens', (r) => tokens(r?.metrics ?? null));
    line('Tokens/s', (r) => rate(r?.metrics ?? null));
    line('Total', (r) => seconds(r?.metrics && answerTotalMs(r.metrics, r)));
    out.push('');
    row.forEach((r, i) => {
      out.push(`### ${c.panels[i]!.model}`, '');
      if (!r) return out.push('_Not sent to this model._', '');
      const steps = agentSteps(saved[i]!.events);
      steps.forEach((step, n) => {
        out.push(`#### Step ${n + 1}`, '');
        if (step.reasoning) out.push('<details><summary>Reasoning</summary>', '', fenced('text', step.reasoning), '', '</details>', '');
        if (step.answer) out.push(step.answer, '');
        for (const tool of step.tools) {
          out.push(`Tool \`${tool.name}\` (${tool.state}${tool.ms == null ? '' : `, ${seconds(tool.ms)}`}):`, '', fenced('json', tool.args), '');
          if (tool.result !== null) out.push('Result:', '', fenced('text', tool.result), '');
        }
      });
      if (steps.length) out.push(`#### Step ${steps.length + 1}${r.status === 'done' ? ' (the answer)' : ''}`, '');
      if (r.reasoning) out.push('<details><summary>Reasoning</summary>', '', '```text', r.reasoning.replace(/```/g, "'''"), '```', '', '</details>', '');
      if (r.answer) out.push(r.answer, '');
      for (const call of r.toolCalls) out.push(`Tool call \`${call.name}\`:`, '', '```json', call.arguments, '```', '');
      if (r.errorMessage) out.push(`**Error:** ${r.errorMessage}`, '');
    });
  });
  return out.join('\n');
}
