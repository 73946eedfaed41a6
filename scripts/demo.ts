// `npm run demo`: the simulated server and the app's dev server together, for a first look or a talk.
import { createServer } from 'vite';
import { startSim } from '../e2e/sim/server.ts';
import { DEMO_HELP, DemoUsageError, demoLink, listenFrom, parseDemoArgs, portNote } from './demo-setup.ts';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(DEMO_HELP);
  process.exit(0);
}
let args;
try {
  args = parseDemoArgs(argv, process.env);
} catch (err) {
  if (!(err instanceof DemoUsageError)) throw err;
  console.error(err.message);
  process.exit(2);
}

const sim = await listenFrom(args.simPort, (port) => startSim({}, port));
// strictPort: a taken port fails here, so that listenFrom steps over it as it does for the simulator
const vite = await listenFrom(args.appPort, async (port) => {
  const server = await createServer({ server: { host: '127.0.0.1', port, strictPort: true } });
  try {
    return await server.listen();
  } catch (err) {
    await server.close();
    throw err;
  }
});
const app = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${vite.config.server.port}/`;
const appPort = Number(new URL(app).port);
for (const note of [portNote('the simulated server', args.simPort, sim.port, '--sim-port'), portNote('the app', args.appPort, appPort, '--port')])
  if (note) console.log(note);
console.log(`Simulated server: ${sim.url}/v1 (vLLM; /sglang/v1, /nim/v1, /llamacpp/v1, /ollama/v1, /raw/v1 too)`);
console.log(`Open: ${demoLink(app, sim.url)}`);
const stop = async () => {
  await Promise.all([vite.close(), sim.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
