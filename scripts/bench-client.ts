// `npm run bench:client`: how many streams the benchmark client holds before it bends (its own figures drift from the truth).
import { spawn } from 'node:child_process';
import { runSweep } from '../src/lib/bench/sweep.ts';
import { DEFAULT_WORKLOAD, type BenchPrompt, type Workload } from '../src/lib/bench/types.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1]! : fallback;
};
const streams = opt('streams', '1,8,32,64').split(',').map(Number);
const outputLen = Number(opt('output-len', '1024'));
const tps = Number(opt('tps', '100'));
const ttftMs = 500;

// the simulator in its own process, so that this process's CPU time is the client's alone
const sim = spawn(process.execPath, ['--import', 'tsx', 'e2e/sim/cli.ts', '--port', '0', `ttft=${ttftMs},tps=${tps},reasoning=0`], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve, reject) => {
  sim.stdout.on('data', (b: Buffer) => {
    const m = /http:\/\/127\.0\.0\.1:\d+/.exec(String(b));
    if (m) resolve(m[0]);
  });
  sim.once('exit', () => reject(new Error('the simulator did not start')));
});
const stop = () => sim.kill('SIGTERM');
process.on('exit', stop);

const msPerToken = 1000 / tps;
console.log(`Client: this Node process (pid ${process.pid}); simulator in pid ${sim.pid}: TTFT ${ttftMs} ms, ${msPerToken} ms a token, ${outputLen} tokens a stream.`);
console.log('Pin it to one core with: taskset -c 0 npm run bench:client (the simulator then shares that core unless pinned apart).\n');
console.log('streams  chunks/s  client CPU  TTFT mean (truth)  TPOT mean (truth)  ITL p99   tok/s (truth)');
for (const n of streams) {
  const w: Workload = { ...DEFAULT_WORKLOAD, concurrency: [n], numPrompts: n, inputLen: 16, outputLen, warmup: Math.min(n, 8) };
  const prompts = async (): Promise<BenchPrompt[]> => Array.from({ length: n }, (_, i) => ({ messages: [{ role: 'user', content: `stream ${i}` }], inputLen: 16, outputLen }));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const [r] = await runSweep({ endpoints: [{ baseURL: `${url}/v1`, model: 'Qwen/Qwen3-Next-80B-A3B-Instruct', server: 'vllm' }], workload: w, prompts, scrape: false });
  const cpu = process.cpuUsage(cpu0);
  const share = ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100;
  const truthTps = (n * outputLen) / ((ttftMs + (outputLen - 1) * msPerToken) / 1000);
  const f = (x: number | null | undefined, d = 1) => (x == null ? '–' : x.toFixed(d));
  console.log(
    `${String(n).padStart(7)}  ${f((n * outputLen) / (r!.duration || 1), 0).padStart(8)}  ${(f(share) + '%').padStart(10)}  ${f(r!.mean_ttft_ms).padStart(9)} (${ttftMs})  ${f(r!.mean_tpot_ms, 2).padStart(9)} (${msPerToken.toFixed(2)})  ${f(r!.p99_itl_ms).padStart(7)}  ${f(r!.output_throughput, 0).padStart(6)} (${truthTps.toFixed(0)})${r!.failed ? `  ${r!.failed} failed` : ''}`,
  );
}
console.log('\nThe client bends where TPOT or throughput leave the truth by more than a few % or its CPU nears 100 %. Timings on a shared machine are noisy: repeat.');
stop();
process.exit(0);
