// Accumulates streamed tool-call fragments by index into whole calls, and checks their arguments at the end.

export interface ToolCallState {
  index: number;
  id: string;
  name: string;
  arguments: string;
  /** set by finish(): why the arguments are not valid JSON */
  invalid?: string;
}

export interface ToolCallFragment {
  index: number;
  id?: string;
  name?: string;
  argsDelta: string;
}

export class ToolCallAccumulator {
  #calls = new Map<number, ToolCallState>();

  push(f: ToolCallFragment): void {
    let call = this.#calls.get(f.index);
    if (!call) {
      call = { index: f.index, id: '', name: '', arguments: '' };
      this.#calls.set(f.index, call);
    }
    // SGLang repeats `"id": null, "name": null` on every fragment: only a real value may set them
    if (f.id) call.id = f.id;
    if (f.name) call.name = f.name;
    call.arguments += f.argsDelta;
  }

  get calls(): ToolCallState[] {
    return [...this.#calls.values()].sort((a, b) => a.index - b.index);
  }

  /** Checks every call's arguments as JSON; returns the calls, invalid ones carrying a reason. */
  finish(): ToolCallState[] {
    for (const call of this.#calls.values()) {
      const text = call.arguments.trim() || '{}';
      try {
        JSON.parse(text);
        delete call.invalid;
      } catch (err) {
        call.invalid = `The arguments of ${call.name || 'a tool call'} are not valid JSON (${(err as Error).message}).`;
      }
    }
    return this.calls;
  }
}
