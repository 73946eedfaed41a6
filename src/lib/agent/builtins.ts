// The built-in tools: calculator, javascript (in the sandbox) and current_time, each with the schema the model sees.
import { calculate } from './calculator.ts';
import type { AgentTool, ToolOutcome } from './tool.ts';

export const BUILTIN_NAMES = ['calculator', 'javascript', 'current_time'] as const;
export type BuiltinName = (typeof BUILTIN_NAMES)[number];

/** What the javascript tool needs: code in, result and console output out, within the wall-clock limit. */
export type RunCode = (code: string, signal: AbortSignal) => Promise<ToolOutcome>;

export function builtinTools(runCode: RunCode, clock: () => Date = () => new Date()): Record<BuiltinName, AgentTool> {
  return {
    calculator: {
      name: 'calculator',
      description:
        'Evaluates a math expression exactly (decimal arithmetic, not floating point). Supports + - * / ^ %, parentheses, functions such as sqrt, log, sin, factorial (n!), and units. Returns the value.',
      parameters: {
        type: 'object',
        properties: { expression: { type: 'string', description: 'The expression, e.g. "(1.1 + 2.2) * 3^4"' } },
        required: ['expression'],
        additionalProperties: false,
      },
      origin: 'built-in',
      run: (args) => calculate(String(args.expression)),
    },
    javascript: {
      name: 'javascript',
      description:
        'Runs JavaScript in an isolated sandbox with no network, no storage and no page, for at most 5 seconds. Returns the value of the last expression (top-level await works; then use return) and everything written with console.log.',
      parameters: {
        type: 'object',
        properties: { code: { type: 'string', description: 'The JavaScript to run' } },
        required: ['code'],
        additionalProperties: false,
      },
      origin: 'built-in',
      run: (args, signal) => runCode(String(args.code), signal),
    },
    current_time: {
      name: 'current_time',
      description: 'Returns the current date, time and time zone of the person using this app.',
      parameters: { type: 'object', properties: {}, additionalProperties: false },
      origin: 'built-in',
      run: async () => ({ ok: true, text: describeTime(clock()) }),
    },
  };
}

export function describeTime(now: Date, timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone): string {
  const local = new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeStyle: 'long', timeZone }).format(now);
  return `${local} (time zone ${timeZone}; ISO ${now.toISOString()})`;
}
