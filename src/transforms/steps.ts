/** A pipeline's `transforms:` as one function from a record to a record, or to nothing (filtered). */
import type { TransformSpec } from '../spec/types.js';
import { compileExpression, plain, type ExpressionBudget } from './expression.js';

export type TransformOutcome = { kind: 'record'; record: Record<string, unknown> } | { kind: 'filtered'; step: string };

export interface TransformChain {
  apply(record: Record<string, unknown>, bindings: Record<string, unknown>): Promise<TransformOutcome>;
}

export function compileTransforms(steps: TransformSpec[] | undefined, budget?: ExpressionBudget): TransformChain {
  const compiled = (steps ?? []).map((s, i) => ({
    type: s.type,
    label: s.name ?? `transforms[${i}]`,
    expr: compileExpression(s.expression, s.name ?? `transforms[${i}]`, budget),
  }));
  return {
    async apply(record, bindings) {
      let current = record;
      for (const step of compiled) {
        const result = await step.expr.evaluate(current, bindings);
        if (step.type === 'filter') {
          if (result !== true) return { kind: 'filtered', step: step.label };
          continue;
        }
        const next = plain(result);
        if (!next || typeof next !== 'object' || Array.isArray(next)) {
          throw new Error(`${step.label}: the expression must produce one object per record, it produced ${Array.isArray(next) ? 'a list' : typeof next}`);
        }
        current = next as Record<string, unknown>;
      }
      return { kind: 'record', record: current };
    },
  };
}
