/**
 * Values a template leaves open until deploy time (the account, an API's generated id, a
 * function's generated name) become symbols: short markers inside ordinary strings. The same
 * unknown always gets the same marker, so a grant's `SourceArn` and the route that calls it
 * compare symbol to symbol, and the policy evaluator matches them like any other text.
 */

/** What one symbol stands for. */
export interface SymbolInfo {
  /** How people and fixes write it: `${AWS::Region}`, `${MyApi}`, `${aws_api_gateway_rest_api.api.id}`. */
  readonly display: string;
  /**
   * `partition`, `region` and `account` are the pseudo parameters; `id` and `name` are generated
   * identifiers (never containing `:` `/` `,`); `opaque` may be anything.
   */
  readonly kind: 'partition' | 'region' | 'account' | 'id' | 'name' | 'opaque';
  /**
   * Chosen outside the template (pseudo parameters, parameters, imports, a stage created
   * elsewhere), so it may equal a literal the template spells out. Generated names and ids are
   * not free: no literal in the same template can know them.
   */
  readonly free?: boolean | undefined;
  /** The CloudFormation form: the text inside `${...}` of an `Fn::Sub`, or an intrinsic for its map. */
  readonly cloudformation?:
    | { readonly sub: string }
    | { readonly value: Readonly<Record<string, unknown>> }
    | undefined;
  /** The Terraform form: a reference such as `aws_api_gateway_rest_api.api.id`. */
  readonly terraform?: string | undefined;
  /** The template the CloudFormation form is valid in (logical ids are per stack). */
  readonly scope?: string | undefined;
  /** A typical length of the real value, for the resource-policy size estimate. */
  readonly length: number;
}

const OPEN = '\u27e6';
const CLOSE = '\u27e7';
const TOKEN = /\u27e6(\d+)\u27e7/g;

/** The symbols of one check run. */
export class SymbolTable {
  readonly #byKey = new Map<string, string>();
  readonly #infos: SymbolInfo[] = [];

  /** The marker for `key`, created with `info()` the first time. */
  symbol(key: string, info: () => SymbolInfo): string {
    const known = this.#byKey.get(key);
    if (known !== undefined) return known;
    const marker = `${OPEN}${this.#infos.length}${CLOSE}`;
    this.#infos.push(info());
    this.#byKey.set(key, marker);
    return marker;
  }

  /** What a marker stands for. */
  info(marker: string): SymbolInfo | undefined {
    const m = /^\u27e6(\d+)\u27e7$/.exec(marker);
    return m ? this.#infos[Number(m[1])] : undefined;
  }

  /** The markers in `text`, in order. */
  markers(text: string): string[] {
    return text.match(TOKEN) ?? [];
  }

  /** Whether `text` holds a marker. */
  has(text: string): boolean {
    return text.includes(OPEN);
  }

  /** Whether every marker in `text` stands for a value without `:`, `/` or `,`. */
  atomic(text: string): boolean {
    return this.markers(text).every((m) => this.info(m)?.kind !== 'opaque');
  }

  /** `text` with each marker replaced as `replace` says. */
  replace(text: string, replace: (marker: string, info: SymbolInfo) => string): string {
    if (!this.has(text)) return text;
    return text.replace(TOKEN, (marker) => {
      const info = this.info(marker);
      return info === undefined ? marker : replace(marker, info);
    });
  }

  /** `text` as people read it: each marker as its `${...}` form. */
  display(text: string): string {
    return this.replace(text, (_, info) => info.display);
  }

  /** The length of the real value, with each marker at its typical length. */
  estimatedLength(text: string): number {
    let length = text.length;
    for (const marker of this.markers(text)) {
      length += (this.info(marker)?.length ?? 12) - marker.length;
    }
    return length;
  }
}
