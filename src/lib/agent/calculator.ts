// Exact arithmetic for the calculator tool: mathjs with decimal numbers, its code-reaching functions switched off.
import type { ToolOutcome } from './tool.ts';

type MathJs = typeof import('mathjs');
type Evaluate = (expression: string) => string;

let loaded: Promise<Evaluate> | null = null;

/** mathjs is large: loaded on the first calculation, once. */
function evaluator(): Promise<Evaluate> {
  return (loaded ??= import('mathjs').then(build, (err: unknown) => {
    loaded = null;
    throw err;
  }));
}

function build({ create, all }: MathJs): Evaluate {
  // decimals, not binary floats: 0.1 + 0.2 is 0.3
  const math = create(all!, { number: 'BigNumber', precision: 64 });
  const evaluate = math.evaluate.bind(math);
  const format = math.format.bind(math);
  // as mathjs's security notes advise for untrusted expressions: nothing that defines, parses or imports
  const refuse = (name: string) => () => {
    throw new Error(`${name} is not available in the calculator`);
  };
  math.import(
    Object.fromEntries(['import', 'createUnit', 'evaluate', 'parse', 'simplify', 'derivative', 'resolve', 'reviver', 'compile'].map((n) => [n, refuse(n)])),
    { override: true },
  );
  return (expression) => format(evaluate(expression), { precision: 40, lowerExp: -12, upperExp: 40 });
}

/** Loads the library ahead of the first calculation (agent mode switched on), so its time is not the tool's. */
export function warmCalculator(): void {
  evaluator().catch(() => {}); // the first calculation tries again and says why if it fails
}

export const MAX_EXPRESSION = 2000;

export async function calculate(expression: string): Promise<ToolOutcome> {
  if (expression.length > MAX_EXPRESSION) return { ok: false, text: `Error: the expression is longer than ${MAX_EXPRESSION} characters.` };
  const evaluate = await evaluator();
  try {
    return { ok: true, text: evaluate(expression) };
  } catch (err) {
    return { ok: false, text: `Error: ${err instanceof Error ? err.message : String(err)} (in "${expression}")` };
  }
}
