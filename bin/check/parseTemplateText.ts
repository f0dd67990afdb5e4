/**
 * Parses a CloudFormation or SAM template (JSON or YAML with the short-form intrinsic tags such
 * as `!Ref`, `!GetAtt A.B`, `!Sub`, `!Join`) with the `yaml` library, keeping the line and column
 * of each resource for findings. JSON is parsed as the YAML it is, so both get positions.
 */
import {
  type CollectionTag,
  isMap,
  isScalar,
  LineCounter,
  parseDocument,
  type ScalarTag,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { InvalidPayloadError } from '../../lambda/core/errors';

/** A parsed template and where its resources are written. */
export interface ParsedTemplate {
  readonly template: Record<string, unknown>;
  readonly position: (logicalId: string) => { line: number; column: number } | undefined;
}

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'Not',
  'Or',
  'Length',
  'ToJsonString',
] as const;

/** The short-form tags, each for scalars, sequences and mappings. */
function cloudFormationTags(): (ScalarTag | CollectionTag)[] {
  const tags: (ScalarTag | CollectionTag)[] = [];
  const wrap = (name: string) => (value: unknown) => ({ [name]: value });
  const all = (
    tag: string,
    make: (value: unknown) => unknown,
    scalar?: (value: string) => unknown,
  ) => {
    tags.push({ tag, resolve: (value: string) => (scalar ?? make)(value) } as ScalarTag);
    tags.push({
      tag,
      collection: 'seq',
      resolve: (seq: YAMLSeq) => make(seq.toJSON()),
    } as unknown as CollectionTag);
    tags.push({
      tag,
      collection: 'map',
      resolve: (map: YAMLMap) => make(map.toJSON()),
    } as unknown as CollectionTag);
  };
  for (const name of FUNCTIONS) all(`!${name}`, wrap(`Fn::${name}`));
  all('!Ref', wrap('Ref'));
  all('!Condition', wrap('Condition'));
  all('!GetAtt', wrap('Fn::GetAtt'), (value) => {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot === -1 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  });
  return tags;
}

const TAGS = cloudFormationTags();

/**
 * Lines and columns of the keys of the top-level `Resources` object of a JSON text, in one pass
 * (JSON.parse gives no positions, and parsing a large JSON template as YAML is slow).
 */
function jsonResourcePositions(text: string): Map<string, { line: number; column: number }> {
  const out = new Map<string, { line: number; column: number }>();
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let inResources = false;
  let resourcesDepth = -1;
  let lastKey: { value: string; line: number; column: number } | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 34) {
      // A string: find its end, then see whether a colon follows (a key).
      const start = i;
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 ? 2 : 1;
      const raw = text.slice(start, j + 1);
      i = j;
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k] as string)) k++;
      if (text[k] === ':') {
        lastKey = { value: JSON.parse(raw) as string, line, column: start - lineStart + 1 };
        if (inResources && depth === resourcesDepth) {
          out.set(lastKey.value, { line: lastKey.line, column: lastKey.column });
        }
      }
    } else if (c === 123 || c === 91) {
      depth++;
      if (c === 123 && depth === 2 && lastKey?.value === 'Resources' && resourcesDepth === -1) {
        inResources = true;
        resourcesDepth = 2;
      }
    } else if (c === 125 || c === 93) {
      if (inResources && depth === resourcesDepth) inResources = false;
      depth--;
    }
  }
  return out;
}

/** Parses template text; throws InvalidPayloadError naming the file and line for bad input. */
export function parseTemplateText(text: string, file: string): ParsedTemplate {
  if (/^\s*\{/.test(text)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined; // parsed below as YAML, which names the line of the error
    }
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
      const positions = jsonResourcePositions(text);
      return { template: json as Record<string, unknown>, position: (id) => positions.get(id) };
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    customTags: TAGS,
    lineCounter,
    prettyErrors: false,
    uniqueKeys: false,
  });
  const error = doc.errors[0];
  if (error) {
    const at = lineCounter.linePos(error.pos[0]);
    throw new InvalidPayloadError(
      'bad-template',
      `${file}: not valid JSON or YAML (line ${at.line}, column ${at.col}): ${error.message.split('\n')[0]}`,
    );
  }
  // Aliases are rare in templates; a small cap keeps a hostile file from expanding without bound.
  const template = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (typeof template !== 'object' || template === null || Array.isArray(template)) {
    throw new InvalidPayloadError('bad-template', `${file}: a template must be a mapping`);
  }
  const positions = new Map<string, { line: number; column: number }>();
  const resources = doc.get('Resources', true);
  if (isMap(resources)) {
    for (const item of resources.items) {
      const key = item.key;
      if (isScalar(key) && key.range) {
        const pos = lineCounter.linePos(key.range[0]);
        positions.set(String(key.value), { line: pos.line, column: pos.col });
      }
    }
  }
  return { template: template as Record<string, unknown>, position: (id) => positions.get(id) };
}
