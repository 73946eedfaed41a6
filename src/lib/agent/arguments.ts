// Checks a call's arguments against its tool's JSON Schema, and says what is wrong in words a model can act on.
import { Validator } from '@cfworker/json-schema';

const validators = new WeakMap<object, Validator>();

/** null when the arguments fit; else a sentence listing what is wrong (at most three things). */
export function checkArguments(schema: Record<string, unknown>, args: unknown): string | null {
  let validator = validators.get(schema);
  if (!validator) {
    validator = new Validator(schema as ConstructorParameters<typeof Validator>[0], '2020-12', false);
    validators.set(schema, validator);
  }
  const result = validator.validate(args);
  if (result.valid) return null;
  // "properties"/"items" units only say that something inside failed; the inner units say what
  const inner = result.errors.filter((e) => !['properties', 'items', 'allOf', 'additionalProperties'].includes(e.keyword) || result.errors.length === 1);
  const lines = (inner.length ? inner : result.errors).slice(0, 3).map((e) => {
    const where = e.instanceLocation.replace(/^#\/?/, '');
    // additionalProperties: false reports each extra property as a failed `false` schema
    if (e.keyword === 'false') return `"${where}" is not one of the tool's arguments.`;
    return `${where ? `${where}: ` : ''}${e.error}`;
  });
  return lines.join(' ');
}
