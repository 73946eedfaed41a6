// `npm run demo`'s port choice and printed link: a taken port is stepped over and named, and the link's panels carry their server kind.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSim, type SimServer } from '../e2e/sim/server.ts';
import { endpointOf, parseDeepLink } from '../src/lib/state/deep-link.ts';
import { DemoUsageError, demoLink, listenFrom, parseDemoArgs, portNote } from './demo-setup.ts';

const held: { close(): unknown }[] = [];
afterEach(async () => {
  await Promise.all(held.splice(0).map((s) => s.close()));
});

/** Holds a free port on 127.0.0.1, as vLLM holds :8000 on a developer's machine. */
async function holdPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  held.push(server);
  return (server.address() as { port: number }).port;
}

async function sim(port: number): Promise<SimServer> {
  const s = await startSim({}, port);
  held.push(s);
  return s;
}

describe('listenFrom', () => {
  it('listens on the asked-for port when it is free', async () => {
    const free = await holdPort();
    await held.pop()!.close(); // now free again
    const s = await listenFrom(free, sim);
    expect(s.port).toBe(free);
  });

  it('steps over a taken port to a free one, and the server there answers', async () => {
    const taken = await holdPort();
    const s = await listenFrom(taken, sim);
    expect(s.port).not.toBe(taken);
    expect(s.port).toBeGreaterThan(0);
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });

  it('falls back to any free port when every port it tries is taken', async () => {
    const taken = await holdPort();
    const s = await listenFrom(taken, sim, 1);
    expect(s.port).not.toBe(taken);
    expect((await fetch(`${s.url}/v1/models`)).ok).toBe(true);
  });

  it('steps over Vite\'s "already in use" sentence, and throws any other failure as it is', async () => {
    const tried: number[] = [];
    const got = await listenFrom(5000, async (port) => {
      tried.push(port);
      if (port < 5002) throw new Error(`Port ${port} is already in use`);
      return port;
    });
    expect(got).toBe(5002);
    expect(tried).toEqual([5000, 5001, 5002]);
    await expect(listenFrom(5000, () => Promise.reject(Object.assign(new Error('denied'), { code: 'EACCES' })))).rejects.toThrow('denied');
  });
});

describe('portNote', () => {
  it('names the taken port, where the server went and the flag that chooses another', () => {
    expect(portNote('the simulated server', 8000, 8001, '--sim-port')).toBe('Port 8000 is taken, so the simulated server is on 8001 (--sim-port N chooses another).');
    expect(portNote('the app', 5173, 5173, '--port')).toBeNull();
    expect(portNote('the app', 0, 40123, '--port')).toBeNull();
  });
});

describe('parseDemoArgs', () => {
  it('takes the ports from flags, SIM_PORT as before, and refuses what is not a port', () => {
    expect(parseDemoArgs([])).toEqual({ simPort: 8000, appPort: 5173 });
    expect(parseDemoArgs(['--sim-port', '9000', '--port', '0'])).toEqual({ simPort: 9000, appPort: 0 });
    expect(parseDemoArgs([], { SIM_PORT: '8100' }).simPort).toBe(8100);
    expect(() => parseDemoArgs(['--port', 'abc'])).toThrow(DemoUsageError);
    expect(() => parseDemoArgs(['--sim-port'])).toThrow('--sim-port needs a port');
    expect(() => parseDemoArgs(['--fast'])).toThrow('Unknown option "--fast"');
  });
});

describe('demoLink', () => {
  it('opens the Thinking model on the vLLM server and the Instruct one set up as SGLang, where its URL points', () => {
    const link = new URL(demoLink('http://127.0.0.1:5174/', 'http://127.0.0.1:8001'));
    expect(link.port).toBe('5174');
    const panels = parseDeepLink(link.search).panels;
    expect(panels.map((p) => p.model)).toEqual(['Qwen/Qwen3-Next-80B-A3B-Thinking', 'Qwen/Qwen3-Next-80B-A3B-Instruct']);
    expect(panels.map((p) => endpointOf(p))).toEqual([
      { baseURL: 'http://127.0.0.1:8001/v1', dialect: 'vllm' },
      { baseURL: 'http://127.0.0.1:8001/sglang,tps=90,tpc=1-3/v1', dialect: 'sglang' },
    ]);
  });
});
