// `npm run proxy -- --upstream nim=https://integrate.api.nvidia.com/v1 --mcp tools=https://host/mcp`: the local CORS proxy's command line (arguments, keys from the environment, start and stop).
import { UPSTREAM_NAME, startProxy } from './proxy-server.ts';

const DEFAULT_ORIGINS = ['http://127.0.0.1:5173', 'http://localhost:5173', 'http://127.0.0.1:4173', 'http://localhost:4173'];

const HELP = `Usage: npm run proxy -- [--upstream NAME=URL ...] [--mcp NAME=URL ...] [--port 8787] [--origin URL ...]

Lets the app reach OpenAI-compatible servers and MCP servers that refuse calls from a web page (hosted NVIDIA NIM).
  --upstream NAME=URL  forward /NAME/... to URL (NAME: a-z, 0-9, "-"), e.g. nim=https://integrate.api.nvidia.com/v1
  --mcp NAME=URL       forward /NAME to an MCP server's endpoint (Streamable HTTP), e.g. tools=https://example.com/mcp
  --port N             port on 127.0.0.1 (default 8787; 0 picks a free one)
  --origin URL         a page origin allowed to call the proxy; repeat for more (default: ${DEFAULT_ORIGINS.join(', ')})
Keys: PROXY_KEY_<NAME> (upper case, "-" as "_"), or NVIDIA_API_KEY for an upstream named nim.
With a key the proxy sends it upstream in place of the page's Authorization; without one the page's passes through.`;

interface Args {
  upstreams: Record<string, string>;
  mcp: Record<string, string>;
  port: number;
  origins: string[];
}

class UsageError extends Error {}

/** Parses argv; throws a UsageError naming the problem. `--flag value` and `--flag=value` both work. */
function parseArgs(argv: string[]): Args | 'help' {
  const args: Args = { upstreams: {}, mcp: {}, port: 8787, origins: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (flag !== arg) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    if (flag === '--upstream') addUpstream(args.upstreams, value(), '--upstream', args.mcp);
    else if (flag === '--mcp') addUpstream(args.mcp, value(), '--mcp', args.upstreams);
    else if (flag === '--port') args.port = parsePort(value());
    else if (flag === '--origin') args.origins.push(parseOrigin(value()));
    else throw new UsageError(`Unknown argument "${arg}"`);
  }
  if (Object.keys(args.upstreams).length + Object.keys(args.mcp).length === 0)
    throw new UsageError('Give at least one --upstream NAME=URL (e.g. --upstream nim=https://integrate.api.nvidia.com/v1) or --mcp NAME=URL');
  if (args.origins.length === 0) args.origins = DEFAULT_ORIGINS;
  return args;
}

function addUpstream(upstreams: Record<string, string>, spec: string, flag: string, others: Record<string, string>): void {
  const eq = spec.indexOf('=');
  const example = flag === '--mcp' ? 'tools=https://example.com/mcp' : 'nim=https://integrate.api.nvidia.com/v1';
  if (eq < 0) throw new UsageError(`${flag} "${spec}" is not NAME=URL, e.g. ${example}`);
  const name = spec.slice(0, eq);
  const url = spec.slice(eq + 1);
  if (!UPSTREAM_NAME.test(name)) throw new UsageError(`Upstream name "${name}" must use only a-z, 0-9 and "-"`);
  if (Object.hasOwn(upstreams, name) || Object.hasOwn(others, name)) throw new UsageError(`Upstream "${name}" is given twice`);
  if (!isHttpUrl(url)) throw new UsageError(`Upstream "${name}" needs an http:// or https:// URL, got "${url}"`);
  upstreams[name] = url;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port needs a number from 0 to 65535, got "${text}"`);
  return port;
}

function parseOrigin(text: string): string {
  // a browser sends the origin alone: scheme, host and port, no path and no trailing slash
  if (!isHttpUrl(text)) throw new UsageError(`--origin needs an http:// or https:// origin, got "${text}"`);
  return new URL(text).origin;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** name → [key, the variable it came from]; the key itself is never printed. */
function keysFromEnv(names: string[], env: NodeJS.ProcessEnv): Record<string, { key: string; from: string }> {
  const out: Record<string, { key: string; from: string }> = {};
  for (const name of names) {
    const own = `PROXY_KEY_${name.toUpperCase().replace(/-/g, '_')}`;
    const from = env[own] ? own : name === 'nim' && env.NVIDIA_API_KEY ? 'NVIDIA_API_KEY' : null;
    if (from) out[name] = { key: env[from]!, from };
  }
  return out;
}

async function main(): Promise<void> {
  let args: Args | 'help';
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`proxy: ${err.message}\n\n${HELP}`);
    process.exit(1);
  }
  if (args === 'help') return void console.log(HELP);

  const found = keysFromEnv([...Object.keys(args.upstreams), ...Object.keys(args.mcp)], process.env);
  const keys = Object.fromEntries(Object.entries(found).map(([name, k]) => [name, k.key]));
  let proxy;
  try {
    proxy = await startProxy({ upstreams: args.upstreams, mcp: args.mcp, keys, origins: args.origins, port: args.port, log: (line) => console.log(line) });
  } catch (err) {
    const code = (err as { code?: string }).code;
    console.error(code === 'EADDRINUSE' ? `proxy: port ${args.port} is in use; pick another with --port` : `proxy: could not start: ${(err as Error).message}`);
    process.exit(1);
  }

  console.log(`Proxy listening on ${proxy.url}`);
  for (const [name, url] of Object.entries(args.upstreams)) {
    const key = found[name] ? `key from ${found[name].from}` : "no key: the page's Authorization passes through";
    console.log(`  ${name}: use ${proxy.url}/${name}/v1 as the base URL → ${url} (${key})`);
  }
  for (const [name, url] of Object.entries(args.mcp)) {
    const key = found[name] ? `token from ${found[name].from}` : "no token: the page's Authorization passes through";
    console.log(`  ${name}: add ${proxy.url}/${name} as the MCP server → ${url} (${key})`);
  }
  console.log(`Pages allowed: ${args.origins.join(', ')}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await proxy.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
