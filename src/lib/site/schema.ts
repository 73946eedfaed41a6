// The JSON Schema of the site file (playground.json): what a host may set, with a description a person can act on.

const SERVERS = ['vllm', 'vllm-0.11', 'sglang', 'nim', 'llamacpp', 'ollama', 'raw'];

export const SITE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Qwen Playground site file',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    welcome: { type: 'string', maxLength: 500, description: 'one line of text shown above the panels' },
    panels: {
      type: 'array',
      maxItems: 4,
      description: 'up to 4 panels, each written as in a link: "<model>@<base URL or endpoint name>", or "Qwen3-0.6B@webllm"',
      items: { type: 'string', pattern: '^[^@\\s]+@\\S+$', description: '"<model>@<base URL or endpoint name>", e.g. "Qwen3-0.6B@webllm"' },
    },
    endpoints: {
      type: 'array',
      description: 'named endpoints: { "name", "baseURL", "server" } (never a key)',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'baseURL'],
        description: '{ "name", "baseURL", "server" } (never a key)',
        properties: {
          name: { type: 'string', minLength: 1, pattern: '^[^@\\s]+$', description: 'a name without spaces or @' },
          baseURL: { type: 'string', pattern: '^https?://', description: 'an http(s):// URL, e.g. "https://proxy.example.org/nim/v1"' },
          server: { enum: SERVERS, description: `one of ${SERVERS.join(', ')}` },
        },
      },
    },
    examples: {
      type: 'array',
      description: 'example prompts: strings, or { "title", "prompt" }',
      items: {
        anyOf: [
          { type: 'string', minLength: 1 },
          { type: 'object', additionalProperties: false, required: ['prompt'], properties: { title: { type: 'string' }, prompt: { type: 'string', minLength: 1 } } },
        ],
        description: 'a prompt (a string) or { "title", "prompt" }',
      },
    },
    kiosk: {
      type: 'object',
      additionalProperties: false,
      description: '{ "enabled": true, "idleMinutes": 3 }',
      properties: {
        enabled: { type: 'boolean', description: 'true or false' },
        idleMinutes: { type: 'number', exclusiveMinimum: 0, maximum: 1440, description: 'minutes, more than 0' },
      },
    },
  },
} as const;
