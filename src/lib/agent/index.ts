// What agent mode loads when first switched on: the loop and the built-in tools (the page's first load carries neither).
export { agentLoop, DEFAULT_MAX_STEPS, toolSpec, type LoopOptions } from './loop.ts';
export { builtinTools, type RunCode } from './builtins.ts';
export type { Call } from './execute.ts';
export { warmCalculator } from './calculator.ts';
