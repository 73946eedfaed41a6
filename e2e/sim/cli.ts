// `npm run sim`: starts the simulated inference server for local demos and benchmarks.
import { DEFAULT_OPTIONS, DIALECTS, FAULTS, OPTION_NAMES, parseOptions } from './options.ts';
import { modelsFor, startSim } from './server.ts';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`Usage: npm run sim -- [--port 8000] [k=v,k=v ...]

Starts an OpenAI-compatible server on 127.0.0.1 that speaks like a real one.
Options (defaults for every request; a URL prefix such as /sglang,ttft=800/v1 or an
x-sim-options header overrides them per request):
  ${OPTION_NAMES.join(', ')}
Dialects: ${DIALECTS.join(', ')}
Faults:   ${FAULTS.join(', ')}
Example:  npm run sim -- dialect=sglang,tps=120,tpc=1-3`);
  process.exit(0);
}
const portAt = args.indexOf('--port');
const port = portAt >= 0 ? Number(args[portAt + 1]) : 8000;
const spec = args.filter((a, i) => a !== '--port' && i !== portAt + 1).join(',');

try {
  const opts = parseOptions(spec, DEFAULT_OPTIONS);
  const sim = await startSim(opts, port);
  console.log(`Simulated ${opts.dialect} server at ${sim.url}/v1`);
  console.log(`Models: ${modelsFor(opts.dialect, opts.servedName).join(', ')}`);
  console.log(`Other dialects: ${sim.url}/<dialect>/v1, e.g. ${sim.url}/sglang/v1. Ctrl+C stops.`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  const taken = (err as { code?: unknown }).code === 'EADDRINUSE';
  console.error(taken ? `Port ${port} is taken: choose another with npm run sim -- --port N` : `Cannot start the simulator: ${(err as Error).message}`);
  process.exit(1);
}
