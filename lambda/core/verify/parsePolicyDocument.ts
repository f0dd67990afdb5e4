import { InvalidPolicyError } from '../errors';
import { decodePolicyDocument } from './decodePolicyDocument';
import type {
  ConditionEntry,
  Effect,
  PolicyDocument,
  PolicyStatement,
  PrincipalValue,
} from './types';

const DOCUMENT_KEYS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const VERSIONS = new Set(['2012-10-17', '2008-10-17']);
const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);

type Json = Record<string, unknown>;

function bad(path: string, message: string): never {
  throw new InvalidPolicyError('bad-shape', path, message);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string or a non-empty array of strings, as IAM writes most elements. */
function strings(value: unknown, path: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) bad(path, 'must not be an empty array');
  return list.map((v, i) => {
    if (typeof v !== 'string' || v === '') {
      bad(Array.isArray(value) ? `${path}[${i}]` : path, 'must be a non-empty string');
    }
    return v;
  });
}

function principal(value: unknown, path: string): PrincipalValue[] {
  if (value === '*') return [{ type: '*', value: '*' }];
  if (!isObject(value))
    bad(path, 'must be "*" or an object of AWS, Service, Federated, CanonicalUser');
  const out: PrincipalValue[] = [];
  for (const [type, v] of Object.entries(value)) {
    if (!PRINCIPAL_TYPES.has(type)) bad(`${path}.${type}`, 'is not a principal type');
    for (const s of strings(v, `${path}.${type}`)) {
      out.push({ type: type as PrincipalValue['type'], value: s });
    }
  }
  if (out.length === 0) bad(path, 'names no principal');
  return out;
}

function conditionValue(value: unknown, path: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v, i) => {
    // IAM accepts JSON booleans and numbers in condition values and compares their text.
    if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return String(v);
    return bad(
      Array.isArray(value) ? `${path}[${i}]` : path,
      'must be a string, number or boolean',
    );
  });
}

function condition(value: unknown, path: string): ConditionEntry[] {
  if (!isObject(value)) bad(path, 'must be an object of condition operators');
  const out: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries(value)) {
    if (!isObject(block)) bad(`${path}.${operator}`, 'must be an object of condition keys');
    for (const [key, v] of Object.entries(block)) {
      out.push({ operator, key, values: conditionValue(v, `${path}.${operator}.${key}`) });
    }
  }
  return out;
}

function either(raw: Json, positive: string, negative: string, path: string) {
  const has = raw[positive] !== undefined;
  const hasNot = raw[negative] !== undefined;
  if (has && hasNot) bad(path, `has both ${positive} and ${negative}`);
  if (!has && !hasNot) return undefined;
  return {
    negated: hasNot,
    value: has ? raw[positive] : raw[negative],
    name: has ? positive : negative,
  };
}

function statement(raw: unknown, path: string): PolicyStatement {
  if (!isObject(raw)) bad(path, 'must be an object');
  for (const key of Object.keys(raw)) {
    if (!STATEMENT_KEYS.has(key)) bad(`${path}.${key}`, 'is not a statement element');
  }
  if (raw.Sid !== undefined && typeof raw.Sid !== 'string') bad(`${path}.Sid`, 'must be a string');
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny')
    bad(`${path}.Effect`, 'must be Allow or Deny');
  const p = either(raw, 'Principal', 'NotPrincipal', path);
  const a = either(raw, 'Action', 'NotAction', path);
  if (a === undefined) bad(path, 'needs Action or NotAction');
  const r = either(raw, 'Resource', 'NotResource', path);
  return {
    sid: raw.Sid as string | undefined,
    effect: raw.Effect as Effect,
    principal: p && { negated: p.negated, values: principal(p.value, `${path}.${p.name}`) },
    action: { negated: a.negated, values: strings(a.value, `${path}.${a.name}`) },
    resource: r && { negated: r.negated, values: strings(r.value, `${path}.${r.name}`) },
    condition: raw.Condition === undefined ? [] : condition(raw.Condition, `${path}.Condition`),
  };
}

/**
 * Validates a policy document at the boundary and normalises it: `Statement` and every
 * string-or-array element become arrays, condition values become strings. Accepts the JSON text
 * (plain or URL-encoded, as AWS APIs return it) or the parsed object (as templates hold it).
 * Throws {@link InvalidPolicyError} naming the offending element for anything IAM would reject.
 */
export function parsePolicyDocument(input: unknown): PolicyDocument {
  let raw = input;
  if (typeof input === 'string') {
    const text = decodePolicyDocument(input);
    try {
      raw = JSON.parse(text);
    } catch (cause) {
      throw new InvalidPolicyError('not-json', '', 'policy text is not valid JSON', { cause });
    }
  }
  if (!isObject(raw)) bad('', 'a policy document must be a JSON object');
  const doc: Json = raw;
  for (const key of Object.keys(doc)) {
    if (!DOCUMENT_KEYS.has(key)) bad(key, 'is not a policy document element');
  }
  if (doc.Version !== undefined && !VERSIONS.has(doc.Version as string)) {
    bad('Version', 'must be 2012-10-17 or 2008-10-17');
  }
  if (doc.Id !== undefined && typeof doc.Id !== 'string') bad('Id', 'must be a string');
  if (doc.Statement === undefined) bad('Statement', 'is required');
  const many = Array.isArray(doc.Statement);
  const list: unknown[] = many ? (doc.Statement as unknown[]) : [doc.Statement];
  return {
    version: doc.Version as string | undefined,
    id: doc.Id as string | undefined,
    statements: list.map((s, i) => statement(s, many ? `Statement[${i}]` : 'Statement')),
  };
}
