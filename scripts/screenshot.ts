// The README's screenshot: the built app (dist/) against the simulator in headless Chromium, one comparison, as a PNG.
// Run after `npx vite build`: `npx tsx scripts/screenshot.ts [docs/comparison.png]`.
import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { startSim } from '../e2e/sim/server.ts';
import { chromiumArgs, chromiumPath } from './chromium.ts';

const out = process.argv[2] ?? 'docs/comparison.png';
const sim = await startSim({ ttftMs: 300, tps: 120, reasoningTokens: 80, answerTokens: 218 }) // the answer up to its last line, whose CJK and emoji need fonts a bare machine lacks;
const app = await preview({ preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false }, logLevel: 'warn' });
const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 }, colorScheme: 'dark', deviceScaleFactor: 1 });
  const q = new URLSearchParams();
  q.append('panel', `Qwen/Qwen3-Next-80B-A3B-Thinking@${sim.url}/v1`);
  q.append('panel', `Qwen/Qwen3-Next-80B-A3B-Instruct@${sim.url}/sglang,tpc=1-3/v1`);
  q.set('servers', 'vllm,sglang');
  q.set('prompt', 'Explain how a KV cache speeds up decoding, with a short example.');
  await page.goto(`${app.resolvedUrls?.local[0]}?${q}`);
  await page.getByTestId('prompt').waitFor();
  await page.getByTestId('prompt').press('Enter');
  for (const answer of await page.getByTestId('answer').all()) await answer.and(page.locator('[data-final="true"]')).waitFor({ timeout: 60_000 });
  // the start of each conversation: the prompt, the folded reasoning and the answer's head
  await page.locator('.conversation').evaluateAll((els) => els.forEach((el) => el.scrollTo(0, 0)));
  await page.screenshot({ path: out });
  console.log(`Wrote ${out}`);
} finally {
  await browser.close();
  await app.close();
  await sim.close();
}
