/**
 * One CloudFormation template and the symbolic evaluation of its intrinsic functions: `Ref`,
 * `Fn::GetAtt`, `Fn::Sub` (with pseudo parameters and `${!Literal}`), `Fn::Join`, `Fn::Select`,
 * `Fn::Split`, `Fn::If` and the condition functions, `Fn::FindInMap`, `Fn::ImportValue`. What the
 * template leaves to deploy time becomes a symbol; what cannot be worked out at all becomes
 * {@link Unresolved} with the reason, never a guess.
 */
import { kleene } from '../verify/kleene';
import type { Tri } from '../verify/types';
import type { SourceLocation } from './CheckGraph';
import { CFN_ATTRIBUTES, type PseudoName, type ResourceView } from './cfnAttributes';
import { SAM_ORIGIN } from './expandSam';
import type { SymbolInfo, SymbolTable } from './SymbolTable';
import { asList, asText, type Resolved, Unresolved } from './Unresolved';

/** The account, Region and partition a stack deploys to; undefined parts are unknown. */
export interface StackEnvironment {
  /** Stacks with the same key deploy to the same place and share pseudo-parameter symbols. */
  readonly key: string;
  readonly partition?: string | undefined;
  readonly region?: string | undefined;
  readonly account?: string | undefined;
}

/** A template resource as written. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly Condition?: string;
  readonly Metadata?: Readonly<Record<string, unknown>>;
}

/** What resolution needs from outside the template. */
export interface CfnLinks {
  /** The value another stack of the same input exports under `name`. */
  importValue(name: string): Resolved | undefined;
  /** The value of `Outputs.<output>` of the nested stack `logicalId` of `stack`. */
  nestedOutput(stack: CfnStack, logicalId: string, output: string): Resolved | undefined;
}

/** How a template was read. */
export interface CfnStackInput {
  /** Unique per template instance: symbols of resources are scoped by it. */
  readonly id: string;
  /** Stack name or nested-stack path, for locations; undefined for a lone template. */
  readonly stackName: string | undefined;
  readonly file: string;
  readonly template: Readonly<Record<string, unknown>>;
  readonly environment: StackEnvironment;
  /** Parameter values: from the parent stack (nested stacks) or the command line. */
  readonly parameters?: Readonly<Record<string, Resolved>> | undefined;
  /** The line and column of a resource's entry, when the source has positions. */
  readonly position?:
    | ((logicalId: string) => { line: number; column: number } | undefined)
    | undefined;
  /**
   * How symbols are written when the template was translated from another language (a Terraform
   * plan): `attribute` is the CloudFormation attribute, undefined for `Ref` and for pseudo
   * parameters (then `logicalId` is the pseudo parameter's name).
   */
  readonly symbolForm?:
    | ((logicalId: string, attribute: string | undefined) => { display: string; terraform: string })
    | undefined;
}

/**
 * Not a CloudFormation function: what a translated template writes for a value it cannot know
 * (a Terraform value known only after apply), with the reason.
 */
export const UNRESOLVED_INTRINSIC = 'Fn::Unresolved';

/**
 * Metadata key of a translated resource holding attribute values already known (a Terraform plan
 * of existing resources knows an API's id): `Ref` and attribute names map to their values.
 */
export const KNOWN_ATTRIBUTES = 'invoke-doctor:attributes';

const NO_VALUE: unique symbol = Symbol('AWS::NoValue');
type Value = Resolved | typeof NO_VALUE;

const PARTITION_OF_REGION: readonly [RegExp, string][] = [
  [/^cn-/, 'aws-cn'],
  [/^us-gov-/, 'aws-us-gov'],
  [/^us-iso-/, 'aws-iso'],
  [/^us-isob-/, 'aws-iso-b'],
  [/^eu-isoe-/, 'aws-iso-e'],
  [/^us-isof-/, 'aws-iso-f'],
];

/** Characters a symbol of each kind may stand for, to know when `Fn::Split` is safe. */
const MAY_CONTAIN: Readonly<Record<SymbolInfo['kind'], RegExp>> = {
  id: /[A-Za-z0-9_]/,
  account: /[0-9]/,
  region: /[a-z0-9-]/,
  partition: /[a-z-]/,
  name: /[A-Za-z0-9_.+=,@-]/,
  opaque: /[\s\S]/,
};

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepEqual(a: Resolved, b: Resolved): boolean {
  if (a instanceof Unresolved || b instanceof Unresolved) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A template and its symbolic resolution. */
export class CfnStack {
  readonly input: CfnStackInput;
  readonly resources: ReadonlyMap<string, CfnResource>;
  readonly #symbols: SymbolTable;
  readonly #links: CfnLinks;
  readonly #refs = new Map<string, Resolved>();
  readonly #conditions = new Map<string, Tri>();
  readonly #visiting = new Set<string>();

  constructor(input: CfnStackInput, symbols: SymbolTable, links: CfnLinks) {
    this.input = input;
    this.#symbols = symbols;
    this.#links = links;
    const resources = new Map<string, CfnResource>();
    const raw = input.template.Resources;
    if (isObject(raw)) {
      for (const [logicalId, resource] of Object.entries(raw)) {
        if (isObject(resource) && typeof resource.Type === 'string') {
          resources.set(logicalId, resource as unknown as CfnResource);
        }
      }
    }
    this.resources = resources;
  }

  /** The symbols this stack writes into. */
  get symbols(): SymbolTable {
    return this.#symbols;
  }

  /** Where a resource is written. */
  location(logicalId: string): SourceLocation {
    const metadata = this.resources.get(logicalId)?.Metadata;
    // A resource SAM generates is reported where the SAM resource it came from is written.
    const origin = metadata?.[SAM_ORIGIN];
    const written = typeof origin === 'string' ? origin : logicalId;
    const position = this.input.position?.(written);
    const path = metadata?.['aws:cdk:path'];
    return {
      file: this.input.file,
      stack: this.input.stackName,
      resource: written,
      line: position?.line,
      column: position?.column,
      constructPath: typeof path === 'string' ? path : undefined,
    };
  }

  /** The resolved property of a resource; undefined when absent. */
  property(logicalId: string, name: string): Resolved | undefined {
    const value = this.resources.get(logicalId)?.Properties?.[name];
    if (value === undefined) return undefined;
    const resolved = this.#resolve(value);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  /** Resolves any template value. */
  resolve(value: unknown): Resolved | undefined {
    const resolved = this.#resolve(value);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  /**
   * Whether a resource exists: true without a `Condition`, else the condition's value, `'unknown'`
   * when it depends on parameters the check does not know.
   */
  exists(logicalId: string): Tri {
    const condition = this.resources.get(logicalId)?.Condition;
    return condition === undefined ? true : this.condition(condition);
  }

  /** The value of a named condition of the `Conditions` section. */
  condition(name: string): Tri {
    const known = this.#conditions.get(name);
    if (known !== undefined) return known;
    const conditions = this.input.template.Conditions;
    const body = isObject(conditions) ? conditions[name] : undefined;
    const key = `condition:${name}`;
    if (body === undefined || this.#visiting.has(key)) return 'unknown';
    this.#visiting.add(key);
    const value = this.#evaluateCondition(body);
    this.#visiting.delete(key);
    this.#conditions.set(name, value);
    return value;
  }

  /** The symbol of a pseudo parameter (or its value, when the environment is known). */
  pseudo(name: PseudoName | 'AWS::URLSuffix' | 'AWS::StackName' | 'AWS::StackId'): string {
    const env = this.input.environment;
    if (name === 'AWS::Region' && env.region) return env.region;
    if (name === 'AWS::AccountId' && env.account) return env.account;
    if (name === 'AWS::Partition') {
      const partition =
        env.partition ??
        (env.region
          ? (PARTITION_OF_REGION.find(([re]) => re.test(env.region as string))?.[1] ?? 'aws')
          : undefined);
      if (partition) return partition;
    }
    if (name === 'AWS::URLSuffix') {
      const partition = this.pseudo('AWS::Partition');
      if (partition === 'aws') return 'amazonaws.com';
      if (partition === 'aws-cn') return 'amazonaws.com.cn';
    }
    const perStack = name === 'AWS::StackName' || name === 'AWS::StackId';
    const scope = perStack ? this.input.id : env.key;
    const kind: SymbolInfo['kind'] =
      name === 'AWS::Partition'
        ? 'partition'
        : name === 'AWS::Region'
          ? 'region'
          : name === 'AWS::AccountId'
            ? 'account'
            : 'opaque';
    const length = { partition: 3, region: 14, account: 12 }[kind as 'account'] ?? 40;
    const form = this.input.symbolForm?.(name, undefined);
    return this.#symbols.symbol(`pseudo:${scope}:${name}`, () => ({
      display: form?.display ?? `\${${name}}`,
      kind,
      free: true,
      cloudformation: form ? undefined : { sub: name },
      terraform: form?.terraform,
      length,
    }));
  }

  /** `Ref` of a logical id, a parameter or a pseudo parameter. */
  ref(name: string): Resolved {
    if (name === 'AWS::NoValue') return new Unresolved('AWS::NoValue used as a value');
    if (name === 'AWS::NotificationARNs') {
      return new Unresolved('AWS::NotificationARNs is set at deploy time');
    }
    if (name.startsWith('AWS::')) return this.pseudo(name as PseudoName);
    return this.#memo(`ref:${name}`, () => {
      const resource = this.resources.get(name);
      const known = this.#known(name, 'Ref');
      if (known !== undefined) return known;
      if (resource) {
        const ref = CFN_ATTRIBUTES[resource.Type]?.ref;
        return ref ? ref(this.#view(name)) : this.#generated(name, undefined, 'opaque', 40);
      }
      return this.#parameter(name);
    });
  }

  /** `Fn::GetAtt` of a resource attribute. */
  getAtt(logicalId: string, attribute: string): Resolved {
    return this.#memo(`getatt:${logicalId}.${attribute}`, () => {
      const resource = this.resources.get(logicalId);
      if (resource === undefined) {
        return new Unresolved(`Fn::GetAtt names ${logicalId}, which is not a resource here`);
      }
      const known = this.#known(logicalId, attribute);
      if (known !== undefined) return known;
      if (resource.Type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
        const value = this.#links.nestedOutput(this, logicalId, attribute.slice('Outputs.'.length));
        if (value !== undefined) return value;
      }
      const get = CFN_ATTRIBUTES[resource.Type]?.attributes?.[attribute];
      return get ? get(this.#view(logicalId)) : this.#generated(logicalId, attribute, 'opaque', 40);
    });
  }

  #known(logicalId: string, attribute: string): string | undefined {
    const known = this.resources.get(logicalId)?.Metadata?.[KNOWN_ATTRIBUTES];
    const value = isObject(known) ? known[attribute] : undefined;
    return typeof value === 'string' ? value : undefined;
  }

  #memo(key: string, compute: () => Resolved): Resolved {
    const known = this.#refs.get(key);
    if (known !== undefined) return known;
    if (this.#visiting.has(key))
      return new Unresolved(`${key.slice(key.indexOf(':') + 1)} refers to itself`);
    this.#visiting.add(key);
    const value = compute();
    this.#visiting.delete(key);
    this.#refs.set(key, value);
    return value;
  }

  #generated(
    logicalId: string,
    attribute: string | undefined,
    kind: SymbolInfo['kind'],
    length: number,
  ): string {
    const sub = attribute === undefined ? logicalId : `${logicalId}.${attribute}`;
    const form = this.input.symbolForm?.(logicalId, attribute);
    return this.#symbols.symbol(`res:${this.input.id}:${sub}`, () => ({
      display: form?.display ?? `\${${sub}}`,
      kind,
      cloudformation: form ? undefined : { sub },
      terraform: form?.terraform,
      scope: this.input.id,
      length,
    }));
  }

  #view(logicalId: string): ResourceView {
    return {
      logicalId,
      prop: (name) => this.property(logicalId, name),
      generated: (attribute, kind, length) => this.#generated(logicalId, attribute, kind, length),
      pseudo: (name) => this.pseudo(name),
    };
  }

  #parameter(name: string): Resolved {
    const given = this.input.parameters?.[name];
    if (given !== undefined) return given;
    const parameters = this.input.template.Parameters;
    const declared = isObject(parameters) ? parameters[name] : undefined;
    if (!isObject(declared)) {
      return new Unresolved(`Ref names ${name}, which is neither a resource nor a parameter`);
    }
    const type = typeof declared.Type === 'string' ? declared.Type : 'String';
    if (/List|CommaDelimited/.test(type)) {
      return new Unresolved(`parameter ${name} is a list set at deploy time`);
    }
    return this.#symbols.symbol(`param:${this.input.id}:${name}`, () => ({
      display: `\${${name}}`,
      kind: 'opaque',
      free: true,
      cloudformation: { sub: name },
      scope: this.input.id,
      length: typeof declared.Default === 'string' ? declared.Default.length : 20,
    }));
  }

  #resolve(value: unknown): Value {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      return value;
    }
    if (value === null || value === undefined) return null;
    if (Array.isArray(value)) {
      const out: Resolved[] = [];
      for (const item of value) {
        const r = this.#resolve(item);
        if (r !== NO_VALUE) out.push(r);
      }
      return out;
    }
    if (!isObject(value)) return new Unresolved('not a template value');
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const key = keys[0] as string;
      if (key === 'Ref' || key.startsWith('Fn::')) return this.#intrinsic(key, value[key]);
    }
    const out: Record<string, Resolved> = {};
    for (const key of keys) {
      const r = this.#resolve(value[key]);
      if (r !== NO_VALUE) out[key] = r;
    }
    return out;
  }

  #intrinsic(name: string, arg: unknown): Value {
    switch (name) {
      case 'Ref':
        if (arg === 'AWS::NoValue') return NO_VALUE;
        return typeof arg === 'string' ? this.ref(arg) : new Unresolved('Ref needs a name');
      case 'Fn::GetAtt':
        return this.#getAtt(arg);
      case 'Fn::Sub':
        return this.#sub(arg);
      case 'Fn::Join':
        return this.#join(arg);
      case 'Fn::Select':
        return this.#select(arg);
      case 'Fn::Split':
        return this.#split(arg);
      case 'Fn::If':
        return this.#if(arg);
      case 'Fn::ImportValue': {
        const exported = asText(this.resolve(arg), 'Fn::ImportValue');
        if (exported instanceof Unresolved) return exported;
        return (
          this.#links.importValue(exported) ??
          this.#symbols.symbol(`import:${exported}`, () => ({
            display: `\${ImportValue ${exported}}`,
            kind: 'opaque',
            free: true,
            cloudformation: { value: { 'Fn::ImportValue': exported } },
            length: 40,
          }))
        );
      }
      case 'Fn::FindInMap':
        return this.#findInMap(arg);
      case UNRESOLVED_INTRINSIC:
        return new Unresolved(typeof arg === 'string' ? arg : 'the value is not known');
      default:
        return new Unresolved(`${name} is not evaluated`);
    }
  }

  #getAtt(arg: unknown): Resolved {
    let logicalId: unknown;
    let attribute: unknown;
    if (typeof arg === 'string') {
      const dot = arg.indexOf('.');
      logicalId = arg.slice(0, dot);
      attribute = arg.slice(dot + 1);
    } else if (Array.isArray(arg) && arg.length === 2) {
      logicalId = arg[0];
      attribute = typeof arg[1] === 'string' ? arg[1] : asText(this.resolve(arg[1]), 'attribute');
    }
    if (typeof logicalId !== 'string' || typeof attribute !== 'string' || logicalId === '') {
      return new Unresolved('Fn::GetAtt needs a logical id and an attribute name');
    }
    return this.getAtt(logicalId, attribute);
  }

  #sub(arg: unknown): Resolved {
    let text: unknown = arg;
    let variables: Readonly<Record<string, unknown>> = {};
    if (Array.isArray(arg)) {
      text = arg[0];
      variables = isObject(arg[1]) ? arg[1] : {};
    }
    if (typeof text !== 'string') return new Unresolved('Fn::Sub needs a string');
    let out = '';
    let last = 0;
    for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
      out += text.slice(last, m.index);
      last = (m.index ?? 0) + m[0].length;
      const inner = m[1] as string;
      if (inner.startsWith('!')) {
        out += `\${${inner.slice(1)}}`;
        continue;
      }
      let value: Resolved | undefined;
      if (inner in variables) value = this.resolve(variables[inner]);
      else if (inner.includes('.') && !inner.startsWith('AWS::')) {
        const dot = inner.indexOf('.');
        const logicalId = inner.slice(0, dot);
        value = this.resources.has(logicalId)
          ? this.getAtt(logicalId, inner.slice(dot + 1))
          : new Unresolved(
              `Fn::Sub names \${${inner}}, which is not a resource attribute (to keep it literal, write \${!${inner}})`,
            );
      } else value = this.ref(inner);
      const piece = asText(value, `\${${inner}}`);
      if (piece instanceof Unresolved) return piece;
      out += piece;
    }
    return out + text.slice(last);
  }

  #join(arg: unknown): Resolved {
    if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') {
      return new Unresolved('Fn::Join needs a delimiter and a list');
    }
    const list = this.resolve(arg[1]);
    if (list instanceof Unresolved) return list;
    const items = asList(list);
    if (items === undefined) return new Unresolved('Fn::Join needs a list');
    const parts: string[] = [];
    for (const item of items) {
      const text = asText(item, 'an Fn::Join element');
      if (text instanceof Unresolved) return text;
      parts.push(text);
    }
    return parts.join(arg[0]);
  }

  #select(arg: unknown): Resolved {
    if (!Array.isArray(arg) || arg.length !== 2) {
      return new Unresolved('Fn::Select needs an index and a list');
    }
    const index = Number(asText(this.resolve(arg[0]), 'index'));
    const list = this.resolve(arg[1]);
    if (list instanceof Unresolved) return list;
    const items = asList(list);
    if (!Number.isInteger(index) || items === undefined) {
      return new Unresolved('Fn::Select needs a literal index and a list');
    }
    return items[index] ?? new Unresolved(`Fn::Select index ${index} is out of range`);
  }

  #split(arg: unknown): Resolved {
    if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string' || arg[0] === '') {
      return new Unresolved('Fn::Split needs a delimiter and a string');
    }
    const delimiter = arg[0];
    const text = asText(this.resolve(arg[1]), 'Fn::Split');
    if (text instanceof Unresolved) return text;
    // Safe only when no symbol can stand for text that holds the delimiter.
    for (const marker of this.#symbols.markers(text)) {
      const kind = this.#symbols.info(marker)?.kind ?? 'opaque';
      if ([...delimiter].some((c) => MAY_CONTAIN[kind].test(c))) {
        return new Unresolved(
          `Fn::Split on "${delimiter}" of ${this.#symbols.display(marker)}, whose value is known only at deploy time`,
        );
      }
    }
    return text.split(delimiter);
  }

  #if(arg: unknown): Value {
    if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') {
      return new Unresolved('Fn::If needs a condition name and two values');
    }
    const condition = this.condition(arg[0]);
    if (condition === true) return this.#resolve(arg[1]);
    if (condition === false) return this.#resolve(arg[2]);
    const a = this.#resolve(arg[1]);
    const b = this.#resolve(arg[2]);
    if (a !== NO_VALUE && b !== NO_VALUE && deepEqual(a, b)) return a;
    return new Unresolved(`the value depends on condition ${arg[0]}`);
  }

  #findInMap(arg: unknown): Resolved {
    if (!Array.isArray(arg) || arg.length < 3) {
      return new Unresolved('Fn::FindInMap needs a map and two keys');
    }
    const keys = arg.slice(0, 3).map((k) => asText(this.resolve(k), 'Fn::FindInMap key'));
    const bad = keys.find((k) => k instanceof Unresolved || this.#symbols.has(k));
    if (bad !== undefined) {
      return bad instanceof Unresolved
        ? bad
        : new Unresolved(
            `Fn::FindInMap key ${this.#symbols.display(bad)} is known only at deploy time`,
          );
    }
    const [map, top, second] = keys as string[];
    const mappings = this.input.template.Mappings;
    const table = isObject(mappings) ? mappings[map as string] : undefined;
    const row = isObject(table) ? table[top as string] : undefined;
    const value = isObject(row) ? row[second as string] : undefined;
    if (value === undefined) {
      if (arg[3] !== undefined && isObject(arg[3]) && 'DefaultValue' in arg[3]) {
        return this.resolve(arg[3].DefaultValue) ?? null;
      }
      return new Unresolved(`Fn::FindInMap finds no ${map}.${top}.${second}`);
    }
    return this.resolve(value) ?? null;
  }

  #evaluateCondition(body: unknown): Tri {
    if (!isObject(body)) return typeof body === 'boolean' ? body : 'unknown';
    const [key] = Object.keys(body);
    const arg = key === undefined ? undefined : body[key];
    const list = Array.isArray(arg) ? arg : [];
    switch (key) {
      case 'Condition':
        return typeof arg === 'string' ? this.condition(arg) : 'unknown';
      case 'Fn::Equals': {
        const [a, b] = list.map((v) => this.resolve(v));
        if (a === undefined || b === undefined) return 'unknown';
        if (a instanceof Unresolved || b instanceof Unresolved) return 'unknown';
        if (deepEqual(a, b)) return true;
        const text = JSON.stringify([a, b]);
        return this.#symbols.has(text) ? 'unknown' : false;
      }
      case 'Fn::And':
        return kleene.and(...list.map((c) => this.#evaluateCondition(c)));
      case 'Fn::Or':
        return kleene.or(...list.map((c) => this.#evaluateCondition(c)));
      case 'Fn::Not':
        return kleene.not(this.#evaluateCondition(list[0]));
      default:
        return 'unknown';
    }
  }
}
