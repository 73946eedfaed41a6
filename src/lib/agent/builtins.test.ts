import { beforeAll, describe, expect, it } from 'vitest';
import { builtinTools, describeTime } from './builtins.ts';
import { calculate } from './calculator.ts';

describe('built-in tools', () => {
  beforeAll(() => calculate('1'), 60_000);

  it('the calculator is exact and never evaluates code', async () => {
    expect(await calculate('0.1 + 0.2')).toEqual({ ok: true, text: '0.3' });
    expect(await calculate('2^100')).toEqual({ ok: true, text: '1267650600228229401496703205376' });
    expect(await calculate('(1.1 + 2.2) * 3^4')).toEqual({ ok: true, text: '267.3' });
    for (const attack of ['import({x: 1})', 'evaluate("1+1")', 'parse("1")', 'createUnit("foo")', 'constructor.constructor("return process")()']) {
      const out = await calculate(attack);
      expect(out.ok, attack).toBe(false);
    }
    expect((await calculate('2 +')).text).toMatch(/^Error: .*in "2 \+"/);
  });

  it('current_time says the date, the time and the time zone', async () => {
    const text = describeTime(new Date('2026-03-04T05:06:07Z'), 'Asia/Shanghai');
    expect(text).toBe('Wednesday, March 4, 2026 at 1:06:07 PM GMT+8 (time zone Asia/Shanghai; ISO 2026-03-04T05:06:07.000Z)');
    const tools = builtinTools(async () => ({ ok: true, text: '' }), () => new Date('2026-03-04T05:06:07Z'));
    expect((await tools.current_time.run({}, new AbortController().signal)).text).toMatch(/ISO 2026-03-04T05:06:07.000Z/);
  });

  it('javascript hands the code to the sandbox it is given', async () => {
    const tools = builtinTools(async (code) => ({ ok: true, text: `ran: ${code}` }));
    expect(await tools.javascript.run({ code: '1+1' }, new AbortController().signal)).toEqual({ ok: true, text: 'ran: 1+1' });
  });
});
