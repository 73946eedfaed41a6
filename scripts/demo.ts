// `npm run demo`: the simulated server on :8000 and the app's dev server together, for a first look or a talk.
import { createServer } from 'vite';
import { startSim } from '../e2e/sim/server.ts';

const sim = await startSim({}, Number(process.env.SIM_PORT ?? 8000));
const vite = await createServer({ server: { host: '127.0.0.1', port: 5173 } });
await vite.listen();
const app = vite.resolvedUrls?.local[0] ?? 'http://127.0.0.1:5173/';
const link = `${app}?panel=Qwen/Qwen3-Next-80B-A3B-Thinking@${sim.url}/v1&panel=Qwen/Qwen3-Next-80B-A3B-Instruct@${sim.url}/sglang,tps=90,tpc=1-3/v1`;
console.log(`Simulated server: ${sim.url}/v1 (vLLM; /sglang/v1, /nim/v1, /llamacpp/v1, /ollama/v1, /raw/v1 too)`);
console.log(`Open: ${link}`);
const stop = async () => {
  await Promise.all([vite.close(), sim.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
