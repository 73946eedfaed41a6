// What `npm run demo` needs besides starting things: its flags, a free port near the one asked for, and the link it prints.
export interface DemoArgs {
  simPort: number;
  appPort: number;
}

export const DEMO_HELP = `Usage: npm run demo -- [--sim-port 8000] [--port 5173]

Starts the simulated inference server and the app, and prints a link to a comparison.
A port that is taken is skipped for the next free one; 0 picks any free port.`;

export class DemoUsageError extends Error {}

export function parseDemoArgs(args: string[], env: Record<string, string | undefined> = {}): DemoArgs {
  const out: DemoArgs = { simPort: env.SIM_PORT ? portOf(env.SIM_PORT, 'SIM_PORT') : 8000, appPort: 5173 };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--sim-port') out.simPort = portOf(args[++i], flag);
    else if (flag === '--port') out.appPort = portOf(args[++i], flag);
    else throw new DemoUsageError(`Unknown option "${flag}". ${DEMO_HELP}`);
  }
  return out;
}

function portOf(text: string | undefined, flag: string): number {
  const port = Number(text);
  if (text === undefined || text === '' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new DemoUsageError(`${flag} needs a port from 0 to 65535, got "${text ?? ''}"`);
  return port;
}

/** Whether a listen failed because something else holds the port (Node's code, or Vite's sentence with strictPort). */
export function portTaken(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 'EADDRINUSE' || /already in use/i.test(String((err as Error)?.message));
}

/**
 * Listens on `preferred`, or on the next of `tries` ports after it that is free, or on any free port (0). Other
 * failures are thrown as they are: only a taken port is worth stepping over.
 */
export async function listenFrom<T>(preferred: number, listen: (port: number) => Promise<T>, tries = 10): Promise<T> {
  if (preferred === 0) return listen(0);
  for (let port = preferred; port < Math.min(preferred + tries, 65536); port++) {
    try {
      return await listen(port);
    } catch (err) {
      if (!portTaken(err)) throw err;
    }
  }
  return listen(0);
}

/** One line for a port that was taken, naming the flag that picks another; nothing when the asked-for port was free. */
export function portNote(what: string, asked: number, got: number, flag: string): string | null {
  if (asked === 0 || asked === got) return null;
  return `Port ${asked} is taken, so ${what} is on ${got} (${flag} N chooses another).`;
}

/**
 * The demo comparison: a simulated Thinking model on vLLM's dialect beside an Instruct one on SGLang's, each panel
 * set up as that kind of server (`servers=`). Written out plainly rather than percent-encoded: a person reads it.
 */
export function demoLink(app: string, simURL: string): string {
  const panels = [
    `Qwen/Qwen3-Next-80B-A3B-Thinking@${simURL}/v1`,
    `Qwen/Qwen3-Next-80B-A3B-Instruct@${simURL}/sglang,tps=90,tpc=1-3/v1`,
  ];
  return `${app}?${panels.map((p) => `panel=${p}`).join('&')}&servers=vllm,sglang`;
}
