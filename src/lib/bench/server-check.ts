// Asks the server itself how long a prompt is (/tokenize on vLLM, SGLang, llama.cpp), to check our count.

/** The server's root: /tokenize and /metrics live beside /v1, not under it. */
export function serverRoot(baseURL: string): string {
  return baseURL.replace(/\/+$/, '').replace(/\/v1$/, '');
}

export type TokenizeCheck = { status: 'same' | 'differs' | 'none'; serverCount?: number; message: string };

/**
 * The server's count of `text`. vLLM and SGLang answer `{count, tokens}` to `{model, prompt}`, llama.cpp
 * `{tokens}` to `{content}`: one body carries both.
 */
export async function checkTokenize(baseURL: string, model: string, text: string, expected: number, apiKey?: string, f: typeof fetch = fetch): Promise<TokenizeCheck> {
  try {
    const res = await f(`${serverRoot(baseURL)}/tokenize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      body: JSON.stringify({ model, prompt: text, content: text, add_special_tokens: false }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) return { status: 'none', message: `The server has no /tokenize (HTTP ${res.status}); prompt lengths are Qwen3's tokenizer's count.` };
    const body = (await res.json()) as { count?: unknown; tokens?: unknown };
    const count = typeof body.count === 'number' ? body.count : Array.isArray(body.tokens) ? body.tokens.length : null;
    if (count === null) return { status: 'none', message: 'The server answered /tokenize without a count; prompt lengths are Qwen3\'s tokenizer\'s count.' };
    if (count === expected) return { status: 'same', serverCount: count, message: `The server's /tokenize agrees: the first prompt is ${count} tokens.` };
    return { status: 'differs', serverCount: count, message: `The server counts the first prompt as ${count} tokens, not ${expected}: its tokenizer differs from Qwen3's, so input lengths are off by about ${Math.abs(count - expected)}.` };
  } catch (err) {
    return { status: 'none', message: `Could not ask the server's /tokenize (${(err as Error).message}); prompt lengths are Qwen3's tokenizer's count.` };
  }
}
