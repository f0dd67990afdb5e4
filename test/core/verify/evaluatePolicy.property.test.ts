/**
 * Properties of the evaluator over random policies and requests of the modelled subset:
 * monotonicity of Allow and Deny, wildcards matching their instantiations, and soundness of
 * "cannot tell" (a definite answer with unknowns holds for every way of filling them in).
 */
import fc from 'fast-check';
import { compileGlob } from '../../../lambda/core/verify/compileGlob';
import { evaluatePolicy } from '../../../lambda/core/verify/evaluatePolicy';
import type {
  AccessRequest,
  ContextValue,
  PolicyDecision,
} from '../../../lambda/core/verify/types';
import {
  CONTEXT_KEYS,
  documentArb,
  fullContextArb,
  requestArb,
  resourceStatementArb,
} from '../../helpers/policyArbitraries';

/** A fixed seed keeps `npm test` deterministic. */
const SEED = 20251010;
const RUNS = { numRuns: 400, seed: SEED };

const decide = (doc: Record<string, unknown>, request: AccessRequest): PolicyDecision =>
  evaluatePolicy(doc, request).decision;

function withStatements(statements: unknown[]) {
  return { Version: '2012-10-17', Statement: statements };
}

describe('monotonicity', () => {
  test('adding a Deny never turns a non-allow into allow, and keeps an explicit deny', () => {
    fc.assert(
      fc.property(
        documentArb(resourceStatementArb),
        resourceStatementArb.map((s) => ({ ...s, Effect: 'Deny' })),
        requestArb,
        (doc, deny, request) => {
          const before = decide(doc, request);
          const after = decide(withStatements([...doc.Statement, deny]), request);
          if (before !== 'allow') expect(after).not.toBe('allow');
          if (before === 'explicit-deny') expect(after).toBe('explicit-deny');
        },
      ),
      RUNS,
    );
  });

  test('a Deny that matches everything always decides explicit-deny', () => {
    const denyAll = { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' };
    fc.assert(
      fc.property(documentArb(resourceStatementArb), requestArb, (doc, request) => {
        expect(decide(withStatements([...doc.Statement, denyAll]), request)).toBe('explicit-deny');
      }),
      RUNS,
    );
  });

  test('removing an Allow never makes a request allowed, nor one explicitly denied any less', () => {
    fc.assert(
      fc.property(documentArb(resourceStatementArb), requestArb, fc.nat(), (doc, request, pick) => {
        const allows = doc.Statement.map((s, i) => [s, i] as const).filter(
          ([s]) => s.Effect === 'Allow',
        );
        fc.pre(allows.length > 0);
        const drop = allows[pick % allows.length]![1];
        const before = decide(doc, request);
        const after = decide(withStatements(doc.Statement.filter((_, i) => i !== drop)), request);
        if (before !== 'allow') expect(after).not.toBe('allow');
        if (before === 'explicit-deny') expect(after).toBe('explicit-deny');
      }),
      RUNS,
    );
  });
});

describe('wildcards', () => {
  /** A pattern as chunks of literal text and wildcards, with one instantiation of it. */
  const patternArb = fc
    .array(
      fc.oneof(
        fc
          .string({ unit: fc.constantFrom('a', 'b', ':', '/', '-'), maxLength: 4 })
          .map((t) => ({ p: t, fill: fc.constant(t) })),
        fc.constant({
          p: '*',
          fill: fc.string({ unit: fc.constantFrom('a', 'b', ':', '/', '*', '?'), maxLength: 5 }),
        }),
        fc.constant({ p: '?', fill: fc.constantFrom('a', 'z', ':', '*') }),
      ),
      { maxLength: 6 },
    )
    .chain((parts) =>
      fc.tuple(
        fc.constant(parts.map((x) => x.p).join('')),
        fc.tuple(...parts.map((x) => x.fill)).map((fills) => fills.join('')),
      ),
    );

  test('a pattern matches each of its instantiations', () => {
    fc.assert(
      fc.property(patternArb, ([pattern, value]) => {
        expect(compileGlob(pattern)(value)).toBe(true);
      }),
      { numRuns: 1000, seed: SEED },
    );
  });

  test('matching agrees with a regular-expression reading of the pattern', () => {
    const reference = (pattern: string, value: string) =>
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
        's',
      ).test(value);
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '*', '?', ':', '.'), maxLength: 8 });
    fc.assert(
      fc.property(text, text, fc.boolean(), (pattern, value, ignoreCase) => {
        const v = ignoreCase ? value.toUpperCase() : value;
        const expected = ignoreCase
          ? reference(pattern.toLowerCase(), v.toLowerCase())
          : reference(pattern, v);
        expect(compileGlob(pattern, ignoreCase)(v)).toBe(expected);
      }),
      { numRuns: 2000, seed: SEED },
    );
  });

  test('an ARN pattern in Resource and in ArnLike matches its instantiations', () => {
    const componentArb = fc.tuple(
      fc.constantFrom('us-east-1', 'eu-west-3'),
      fc.constantFrom('123456789012', '111122223333'),
      fc.constantFrom('orders', 'orders-v2', 'a'),
      fc.constantFrom('', ':live', ':3'),
    );
    fc.assert(
      fc.property(
        componentArb,
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        (parts, wild) => {
          // Arrange: any subset of the components replaced by wildcards.
          const [region, account, name, qualifier] = parts;
          const arn = `arn:aws:lambda:${region}:${account}:function:${name}${qualifier}`;
          const pattern = `arn:aws:lambda:${wild[0] ? '*' : region}:${wild[1] ? '*' : account}:function:${
            wild[2] ? `${name.slice(0, 1)}*` : name
          }${wild[3] ? '*' : qualifier}`;
          const request: AccessRequest = {
            principal: { kind: 'service', service: 'sns.amazonaws.com' },
            action: 'lambda:InvokeFunction',
            resource: arn,
            context: { 'aws:SourceArn': arn },
          };
          const doc = {
            Version: '2012-10-17',
            Statement: {
              Effect: 'Allow',
              Principal: { Service: 'sns.amazonaws.com' },
              Action: 'lambda:InvokeFunction',
              Resource: pattern,
              Condition: { ArnLike: { 'aws:SourceArn': pattern } },
            },
          };
          // Act + Assert
          expect(decide(doc, request)).toBe('allow');
        },
      ),
      RUNS,
    );
  });
});

describe('cannot tell is sound', () => {
  /** The request with some context keys unknown (dropped from the map). */
  const partialArb = fc.tuple(requestArb, fc.subarray(CONTEXT_KEYS)).map(([request, unknown]) => {
    const context: Record<string, ContextValue> = {};
    for (const [k, v] of Object.entries(request.context)) if (!unknown.includes(k)) context[k] = v;
    return { ...request, context };
  });

  test('a definite decision with unknown keys holds for every completion of them', () => {
    fc.assert(
      fc.property(
        documentArb(resourceStatementArb),
        partialArb,
        fullContextArb,
        (doc, partial, filler) => {
          // Arrange: fill the unknown keys in one random way.
          const complete = { ...partial, context: { ...filler, ...partial.context } };
          // Act
          const withUnknowns = decide(doc, partial);
          const completed = decide(doc, complete);
          // Assert
          if (withUnknowns !== 'cannot-tell') expect(completed).toBe(withUnknowns);
        },
      ),
      { numRuns: 1000, seed: SEED },
    );
  });

  test('with every key unknown, conditions on modelled keys never yield allow or deny by guess', () => {
    fc.assert(
      fc.property(documentArb(resourceStatementArb), requestArb, (doc, request) => {
        const none = { ...request, context: {} };
        const result = evaluatePolicy(doc, none);
        for (const s of result.statements) {
          // IfExists, negated and Null conditions all hold or fail depending on the unknown value.
          const conditioned = (doc.Statement[s.index] as { Condition?: object }).Condition;
          if (conditioned !== undefined) expect(s.applies).not.toBe(true);
        }
      }),
      RUNS,
    );
  });
});
