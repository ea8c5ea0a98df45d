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

  it('passes bindings to compiled expressions', async () => {
    const e = compileExpression('{"id": id, "idProperty": $idProperty}', 'body');
    await expect(e.evaluate({ id: 'x' }, { idProperty: 'k' })).resolves.toEqual({ id: 'x', idProperty: 'k' });
  });
});
