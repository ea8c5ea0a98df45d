import { compileExpression, ExpressionError, plain } from '../../src/transforms/expression.js';

describe('compileExpression', () => {
  it('evaluates compiled and JSONata-only expressions alike', async () => {
    const fast = compileExpression('$merge([$, {"domain": $lowercase($substringAfter(website, "://"))}])', 't');
    await expect(fast.evaluate({ website: 'https://Acme.IO' })).resolves.toEqual({ website: 'https://Acme.IO', domain: 'acme.io' });
    const slow = compileExpression('$map(tags, function($t) { $uppercase($t) })', 't');
    expect(plain(await slow.evaluate({ tags: ['a', 'b'] }))).toEqual(['A', 'B']);
  });

  it('still reports JSONata errors with their code when the fast path bails', async () => {
    const e = compileExpression('$lowercase(name)', 'fields.name.expr');
    const err = await e.evaluate({ name: 42 }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ExpressionError);
    expect((err as ExpressionError).code).toBe('T0410');
    expect((err as ExpressionError).label).toBe('fields.name.expr');
  });

  it('keeps the sequence budget: a mapping longer than it is JSONata error D2015', async () => {
    const e = compileExpression('[items.{"v": a}]', 'body', { maxSequence: 2 });
    await expect(e.evaluate({ items: [{ a: 1 }, { a: 2 }] })).resolves.toEqual([{ v: 1 }, { v: 2 }]);
    const err = await e.evaluate({ items: [{ a: 1 }, { a: 2 }, { a: 3 }] }).catch((x: unknown) => x);
    expect((err as ExpressionError).code).toBe('D2015');
  });

  it('fails a runaway expression with its time budget', async () => {
    // A tail call: JSONata runs it in constant depth, so only the time budget stops it.
    const e = compileExpression('($loop := function($n) { $n = 0 ? 0 : $loop($n - 1) }; $loop(100000000))', 'transforms[0]', { timeoutMs: 50 });
    const started = Date.now();
    const err = await e.evaluate({}).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ExpressionError);
    expect((err as ExpressionError).code).toBe('D1012');
    expect((err as ExpressionError).message).toBe('transforms[0]: the expression ran past its time budget');
    // Run twice (see the next test), not forever.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('runs an evaluation once more when a stall, not the expression, used up its time', async () => {
    let stalls = 1;
    // A bound function that blocks the thread the first time, as a long GC pause would.
    const stall = () => {
      const until = Date.now() + (stalls-- > 0 ? 120 : 0);
      while (Date.now() < until);
      return 'ok';
    };
    const e = compileExpression('[1, 2, 3].($stall())', 'transforms[0]', { timeoutMs: 50 });
    expect(plain(await e.evaluate({}, { stall }))).toEqual(['ok', 'ok', 'ok']);
    expect(stalls).toBeLessThan(0);
  });

  it('passes bindings to compiled expressions', async () => {
    const e = compileExpression('{"id": id, "idProperty": $idProperty}', 'body');
    await expect(e.evaluate({ id: 'x' }, { idProperty: 'k' })).resolves.toEqual({ id: 'x', idProperty: 'k' });
  });
});
