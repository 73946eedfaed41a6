// Results as text: vLLM's block per sweep point, and one comparison table across endpoints and concurrency.
import type { BenchResult } from './aggregate.ts';

const num = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const line = (label: string, value: string) => `${label.padEnd(42)}${value}`;
const rule = (title: string) => {
  const pad = Math.max(0, 50 - title.length - 2);
  return `${'-'.repeat(Math.floor(pad / 2))} ${title} ${'-'.repeat(Math.ceil(pad / 2))}`;
};

/** One result as vLLM's `bench serve` prints it, with our own figures after. */
export function resultBlock(r: BenchResult, percentiles: number[]): string {
  const est = r.output_tokens_source === 'server' ? '' : ' (~ counted from chunks: the server sent no usage)';
  const out = [
    `${'='.repeat(12)} Serving Benchmark Result ${'='.repeat(12)}`,
    line('Endpoint:', r.label),
    line('Maximum request concurrency:', r.max_concurrency === null ? 'none' : String(r.max_concurrency)),
    line('Request rate (req/s):', String(r.request_rate)),
    line('Achieved concurrency (max / mean):', `${r.achieved_concurrency} / ${num(r.mean_achieved_concurrency)}`),
    line('Successful requests:', String(r.completed)),
    line('Failed requests:', r.failed ? `${r.failed} (${Object.entries(r.failures_by_kind).map(([k, n]) => `${k} ${n}`).join(', ')})` : '0'),
    line('Benchmark duration (s):', num(r.duration)),
    line('Total input tokens:', String(r.total_input_tokens)),
    line('Total generated tokens:', `${r.total_output_tokens}${est}`),
    line('Request throughput (req/s):', num(r.request_throughput)),
    ...(r.request_goodput !== null ? [line('Request goodput (req/s):', num(r.request_goodput))] : []),
    line('Output token throughput (tok/s):', num(r.output_throughput)),
    line('Total Token throughput (tok/s):', num(r.total_token_throughput)),
  ];
  const section = (title: string, key: string, label: string) => {
    out.push(rule(title), line(`Mean ${label} (ms):`, num(r[`mean_${key}_ms`])), line(`Median ${label} (ms):`, num(r[`median_${key}_ms`])));
    for (const p of percentiles.filter((p) => p !== 50)) out.push(line(`P${p} ${label} (ms):`, num(r[`p${p}_${key}_ms`])));
  };
  section('Time to First Token', 'ttft', 'TTFT');
  section('Time per Output Token (excl. 1st token)', 'tpot', 'TPOT');
  section('Inter-token Latency', 'itl', 'ITL');
  section('End-to-end Latency', 'e2el', 'E2EL');
  out.push(
    rule('Client'),
    line('Mean time to first answer token (ms):', num(r.mean_ttfa_ms)),
    line('Mean client queue (ms):', num(r.mean_client_queue_ms)),
    line('Tokens per chunk (mean):', num(r.mean_tokens_per_chunk)),
    line('Output length mismatches:', r.output_len_mismatches ? `${r.output_len_mismatches} of ${r.completed} (usage.completion_tokens ≠ ${r.output_len})` : '0'),
  );
  if (r.per_turn) {
    out.push(rule('Multi-turn'), line('Conversations completed (all turns):', `${r.completed_conversations} of ${(r.per_turn[0]?.completed ?? 0) + (r.per_turn[0]?.failed ?? 0)} started, ${r.turns} turns, ${r.tool_result_len}-token tool results`));
    for (const t of r.per_turn) out.push(line(`Turn ${t.turn} TTFT mean / p50 (ms), prompt tok:`, `${num(t.mean_ttft_ms)} / ${num(t.median_ttft_ms)}, ${num(t.mean_prompt_tokens, 0)}`));
  }
  const s = r.server_metrics;
  if (s) {
    out.push(rule('Server (/metrics)'));
    if (!s.available) out.push(s.message);
    else
      out.push(
        line('Max running / waiting requests:', `${s.max_running ?? '–'} / ${s.max_waiting ?? '–'}`),
        line('Mean KV-cache use (%):', s.mean_kv_cache_usage === null ? '–' : num(s.mean_kv_cache_usage * 100, 1)),
        line("Server's mean TTFT (ms):", num(s.server_mean_ttft_ms)),
        line('Speculative decoding acceptance:', s.spec_decode_acceptance === null ? '– (off, or not reported)' : `${num(s.spec_decode_acceptance * 100, 1)}%`),
      );
  }
  if (r.cancelled) out.push('Cancelled: the figures cover the requests that finished.');
  out.push('='.repeat(50));
  return out.join('\n');
}

/** Endpoints side by side: one row per endpoint and concurrency. */
export function comparisonTable(results: BenchResult[]): string {
  const head = ['endpoint', 'conc', 'achieved', 'ok/fail', 'out tok/s', 'req/s', 'TTFT p50', 'TTFT p99', 'TPOT p50', 'TPOT p99', 'queue ms', 'mismatch'];
  const rows = results.map((r) => [
    r.label,
    r.max_concurrency === null ? '–' : String(r.max_concurrency),
    String(r.achieved_concurrency),
    `${r.completed}/${r.failed}`,
    `${r.output_tokens_source === 'server' ? '' : '~'}${num(r.output_throughput, 1)}`,
    num(r.request_throughput),
    num(r.median_ttft_ms, 1),
    num(r.p99_ttft_ms, 1),
    num(r.median_tpot_ms, 2),
    num(r.p99_tpot_ms, 2),
    num(r.mean_client_queue_ms, 1),
    String(r.output_len_mismatches),
  ]);
  return table(head, rows);
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

/** Multi-turn results by turn index: one row per endpoint, concurrency and turn (empty when none is multi-turn). */
export function turnTable(results: BenchResult[]): string {
  const multi = results.filter((r) => r.per_turn);
  if (!multi.length) return '';
  const head = ['endpoint', 'conc', 'turn', 'ok/fail', 'prompt tok', 'input tok', 'TTFT mean', 'TTFT p50', 'TTFT p99', 'E2EL mean'];
  const rows = multi.flatMap((r) =>
    r.per_turn!.map((t) => [
      r.label,
      r.max_concurrency === null ? '–' : String(r.max_concurrency),
      String(t.turn),
      `${t.completed}/${t.failed}`,
      num(t.mean_prompt_tokens, 0),
      num(t.mean_input_len, 0),
      num(t.mean_ttft_ms, 1),
      num(t.median_ttft_ms, 1),
      num(t.p99_ttft_ms, 1),
      num(t.mean_e2el_ms, 1),
    ]),
  );
  return table(head, rows);
}
