// A local model mirror with Hugging Face's paths that serves the tiny Qwen3 GGUF: slowly under /slow, never under /missing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tinyQwen3Gguf } from './tiny-gguf.ts';

export interface GgufMirror {
  /** `models-from` for the app: `<url>/<repo>/resolve/main/<file>` */
  url: string;
  /** GGUF downloads served (or begun) so far */
  downloads: () => number;
  /** the size of the file served */
  bytes: number;
  close: () => Promise<void>;
}

/** Every `<prefix>/<owner>/<repo>/resolve/main/<file>.gguf` gets the tiny model; `/slow` sends it in 8 KB steps 25 ms apart. */
export async function startGgufMirror(): Promise<GgufMirror> {
  const model = Buffer.from(tinyQwen3Gguf());
  let downloads = 0;
  const server: Server = createServer((req, res) => {
    const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-length' };
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const m = /^(\/slow|\/missing)?\/[\w.-]+\/[\w.-]+\/resolve\/main\/[\w.-]+\.gguf$/.exec(path);
    if (req.method === 'OPTIONS') return void res.writeHead(204, { ...cors, 'access-control-allow-headers': '*' }).end();
    if (!m || m[1] === '/missing') return void res.writeHead(404, cors).end('Entry not found');
    downloads++;
    res.writeHead(200, { ...cors, 'content-type': 'application/octet-stream', 'content-length': String(model.length) });
    if (m[1] !== '/slow') return void res.end(model);
    let at = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      res.write(model.subarray(at, (at += 8192)));
      if (at >= model.length) {
        clearInterval(timer);
        res.end();
      }
    }, 25);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    downloads: () => downloads,
    bytes: model.length,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
