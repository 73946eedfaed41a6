// Failure events: HTTP statuses and the error bodies each server sends, Retry-After, network failures and hostOf.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { droppedFailure, hostOf, httpFailure, networkFailure, stallFailure } from './failures.ts';

const VLLM = 'http://localhost:8000/v1';
const SGLANG = 'http://localhost:30000/v1';
const NIM = 'https://integrate.api.nvidia.com/v1';
const MODEL = 'Qwen/Qwen3-8B';

describe('httpFailure', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  interface Case {
    name: string;
    status: number;
    body: unknown;
    baseURL: string;
    kind: string;
    message: string;
    detail: string;
  }

  const CASES: Case[] = [
    {
      name: "401 with vLLM's body",
      status: 401,
      body: { error: 'Unauthorized' },
      baseURL: VLLM,
      kind: 'auth',
      message: 'The API key is missing or wrong for localhost:8000 (HTTP 401). Check the key set for this endpoint.',
      detail: '{"error":"Unauthorized"}',
    },
    {
      name: '403 with a plain-text body',
      status: 403,
      body: 'Forbidden',
      baseURL: NIM,
      kind: 'auth',
      message: 'The API key is missing or wrong for integrate.api.nvidia.com (HTTP 403). Check the key set for this endpoint.',
      detail: 'Forbidden',
    },
    {
      name: "404 with NIM's gateway body",
      status: 404,
      body: { status: 404, title: 'Not Found', detail: "Function 'x': Not found for account 'y'" },
      baseURL: NIM,
      kind: 'not-found',
      message:
        'integrate.api.nvidia.com does not know the model "Qwen/Qwen3-8B", or the base URL is wrong (HTTP 404). Check the model name and that the base URL ends in /v1.',
      detail: '{"status":404,"title":"Not Found","detail":"Function \'x\': Not found for account \'y\'"}',
    },
    {
      name: "500 with vLLM's nested error body",
      status: 500,
      body: { error: { message: 'boom', type: 'InternalServerError', param: null, code: 500 } },
      baseURL: VLLM,
      kind: 'server',
      message: 'localhost:8000 failed (HTTP 500): boom',
      detail: '{"error":{"message":"boom","type":"InternalServerError","param":null,"code":500}}',
    },
    {
      name: "400 with SGLang's flat error body",
      status: 400,
      body: { object: 'error', message: 'bad', type: 'BadRequestError', param: null, code: 400 },
      baseURL: SGLANG,
      kind: 'http',
      message: 'localhost:30000 refused the request (HTTP 400): bad',
      detail: '{"object":"error","message":"bad","type":"BadRequestError","param":null,"code":400}',
    },
    {
      name: '422 with a NIM-style detail body',
      status: 422,
      body: { status: 422, title: 'Unprocessable Entity', detail: 'max_tokens too large' },
      baseURL: NIM,
      kind: 'http',
      message: 'integrate.api.nvidia.com refused the request (HTTP 422): max_tokens too large',
      detail: '{"status":422,"title":"Unprocessable Entity","detail":"max_tokens too large"}',
    },
    {
      name: '502 with a plain-text body',
      status: 502,
      body: 'Bad Gateway',
      baseURL: VLLM,
      kind: 'server',
      message: 'localhost:8000 failed (HTTP 502): Bad Gateway',
      detail: 'Bad Gateway',
    },
    {
      name: '503 with an empty body',
      status: 503,
      body: '',
      baseURL: VLLM,
      kind: 'server',
      message: 'localhost:8000 failed (HTTP 503).',
      detail: '',
    },
    {
      name: '400 with an empty body',
      status: 400,
      body: '',
      baseURL: VLLM,
      kind: 'http',
      message: 'localhost:8000 refused the request (HTTP 400).',
      detail: '',
    },
  ];

  for (const c of CASES) {
    it(`describes ${c.name}`, () => {
      expect(httpFailure(c.status, c.body, null, c.baseURL, MODEL, 12.5)).toStrictEqual({
        type: 'error',
        kind: c.kind,
        message: c.message,
        detail: c.detail,
        status: c.status,
        at: 12.5,
      });
    });
  }

  it('describes 429 with Retry-After in seconds', () => {
    expect(httpFailure(429, { error: { message: 'slow down' } }, '7', VLLM, MODEL, 3)).toStrictEqual({
      type: 'error',
      kind: 'rate-limit',
      message: 'localhost:8000 is rate limiting requests (HTTP 429). Retry in 7 s.',
      detail: '{"error":{"message":"slow down"}}',
      status: 429,
      retryAfterS: 7,
      at: 3,
    });
  });

  it('describes 429 with Retry-After as an HTTP date in the future', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-06-01T12:00:00Z'));
    const date = new Date(Date.now() + 30_000).toUTCString();
    const event = httpFailure(429, 'Too Many Requests', date, NIM, MODEL, 3);
    expect(event.retryAfterS).toBe(30);
    expect(event.message).toBe('integrate.api.nvidia.com is rate limiting requests (HTTP 429). Retry in 30 s.');
    expect(event.kind).toBe('rate-limit');
    expect(event.detail).toBe('Too Many Requests');
  });

  it('describes 429 without Retry-After, and has no retryAfterS', () => {
    const event = httpFailure(429, 'Too Many Requests', null, NIM, MODEL, 3);
    expect(event).toStrictEqual({
      type: 'error',
      kind: 'rate-limit',
      message: 'integrate.api.nvidia.com is rate limiting requests (HTTP 429). Wait a moment, then retry.',
      detail: 'Too Many Requests',
      status: 429,
      at: 3,
    });
    expect('retryAfterS' in event).toBe(false);
  });

  const RETRY_AFTER: Array<{ header: string; seconds: number | undefined }> = [
    { header: '0', seconds: 0 },
    { header: '1.2', seconds: 2 },
    { header: '-5', seconds: 0 },
    { header: 'soon', seconds: undefined },
    { header: '', seconds: undefined },
  ];
  for (const { header, seconds } of RETRY_AFTER) {
    it(`reads Retry-After ${JSON.stringify(header)} as ${seconds} s`, () => {
      expect(httpFailure(429, '', header, VLLM, MODEL, 0).retryAfterS).toBe(seconds);
    });
  }

  it('reads a Retry-After date in the past as 0 s', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-06-01T12:00:00Z'));
    expect(httpFailure(429, '', new Date(Date.now() - 60_000).toUTCString(), VLLM, MODEL, 0).retryAfterS).toBe(0);
  });

  it('keeps Retry-After on other statuses too', () => {
    const event = httpFailure(503, 'overloaded', '12', VLLM, MODEL, 0);
    expect(event.retryAfterS).toBe(12);
    expect(event.message).toBe('localhost:8000 failed (HTTP 503): overloaded');
  });
});

describe('networkFailure', () => {
  it('blames CORS when the server answers, with the vLLM flag to allow this page', () => {
    expect(networkFailure(VLLM, true, 'TypeError: Failed to fetch', 4)).toStrictEqual({
      type: 'error',
      kind: 'network',
      message:
        'localhost:8000 answers, but does not allow calls from this page (CORS). For vLLM add --allowed-origins \'["http://localhost:5173"]\'; otherwise go through the proxy (npm run proxy).',
      detail: 'TypeError: Failed to fetch',
      at: 4,
    });
  });

  it('sends the NVIDIA catalog through the proxy, whatever the probe said', () => {
    for (const reachable of [true, false])
      expect(networkFailure('https://integrate.api.nvidia.com/v1', reachable, 'x', 1).message).toBe(
        'integrate.api.nvidia.com does not allow calls from web pages (CORS). Start the proxy: npm run proxy -- --upstream nim=https://integrate.api.nvidia.com/v1, then use http://127.0.0.1:8787/nim/v1 as the base URL.',
      );
  });

  for (const reachable of [false, null]) {
    it(`says the server could not be reached when reachable is ${reachable}`, () => {
      expect(networkFailure(VLLM, reachable, 'TypeError: Failed to fetch', 4)).toStrictEqual({
        type: 'error',
        kind: 'network',
        message:
          'Could not reach http://localhost:8000/v1. Is the server running, and is the address right? If it runs, it may also refuse calls from this page (CORS).',
        detail: 'TypeError: Failed to fetch',
        at: 4,
      });
    });
  }
});

describe('stallFailure and droppedFailure', () => {
  it('says how long the server was silent', () => {
    expect(stallFailure(30, 9)).toStrictEqual({
      type: 'error',
      kind: 'stalled',
      message: 'The server sent nothing for 30 s, so the request was stopped. The text so far is kept.',
      at: 9,
    });
  });

  it('says the connection broke, with the detail kept', () => {
    expect(droppedFailure('ECONNRESET', 9)).toStrictEqual({
      type: 'error',
      kind: 'dropped',
      message: 'The connection broke while the answer was streaming. The text so far is kept.',
      detail: 'ECONNRESET',
      at: 9,
    });
  });
});

describe('hostOf', () => {
  const CASES: Array<[string, string]> = [
    ['http://localhost:8000/v1', 'localhost:8000'],
    ['https://integrate.api.nvidia.com/v1', 'integrate.api.nvidia.com'],
    ['http://[::1]:30000/v1', '[::1]:30000'],
    ['not a url', 'not a url'],
    ['/v1', '/v1'],
    ['http://', 'http://'],
    ['', ''],
  ];
  for (const [input, host] of CASES) {
    it(`gives ${JSON.stringify(host)} for ${JSON.stringify(input)}`, () => {
      expect(hostOf(input)).toBe(host);
    });
  }
});
