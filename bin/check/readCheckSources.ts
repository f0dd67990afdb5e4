/**
 * Reads what `invoke-doctor check` was given: a CDK cloud assembly directory (`cdk.out`: every
 * stack of every stage, nested stacks included), CloudFormation or SAM templates (JSON or YAML),
 * and Terraform plans (`terraform show -json`). Anything else is a one-line error (exit code 2).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { CheckSource, CloudFormationSource } from '../../lambda/core/check/checkSources';
import { InvalidPayloadError } from '../../lambda/core/errors';
import { parseTemplateText } from './parseTemplateText';

/** Largest file read: CloudFormation accepts 1 MB templates; plans of big workspaces are larger. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readText(file: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new InvalidPayloadError('unreadable', `cannot read ${file} (${code})`, { cause: error });
  }
  if (size > MAX_FILE_BYTES) {
    throw new InvalidPayloadError('too-large', `${file} is larger than ${MAX_FILE_BYTES} bytes`);
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new InvalidPayloadError('unreadable', `cannot read ${file} (${code})`, { cause: error });
  }
}

/** Whether parsed JSON is a Terraform plan rather than a template. */
function isPlan(value: unknown): boolean {
  return (
    isObject(value) &&
    'format_version' in value &&
    ('planned_values' in value || 'resource_changes' in value || 'terraform_version' in value)
  );
}

/** A path as findings show it: relative to the working directory when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel.startsWith('..') || rel === '' ? path : rel.split('\\').join('/');
}

function templateSource(
  file: string,
  extra: Partial<CloudFormationSource> = {},
  text = readText(file),
): CloudFormationSource {
  const parsed = parseTemplateText(text, shown(file));
  if (!isObject(parsed.template.Resources)) {
    throw new InvalidPayloadError(
      'bad-template',
      `${shown(file)} is not a CloudFormation or SAM template (no Resources), a Terraform plan (terraform show -json) or a cloud assembly directory`,
    );
  }
  return {
    kind: 'cloudformation',
    id: resolve(file),
    file: shown(file),
    template: parsed.template,
    position: parsed.position,
    ...extra,
  };
}

/** `aws://123456789012/us-east-1`, with CDK's `unknown-account` / `unknown-region` as unknown. */
function environment(value: unknown): CloudFormationSource['environment'] {
  const m = typeof value === 'string' ? /^aws:\/\/([^/]+)\/(.+)$/.exec(value) : null;
  if (!m) return undefined;
  return {
    account: /^\d{12}$/.test(m[1] as string) ? m[1] : undefined,
    region: m[2] === 'unknown-region' ? undefined : m[2],
  };
}

/** The stacks of a cloud assembly, each followed by its nested stacks. */
function readCloudAssembly(dir: string, depth = 0): CloudFormationSource[] {
  const manifestPath = join(dir, 'manifest.json');
  let manifest: unknown;
  try {
    manifest = JSON.parse(readText(manifestPath));
  } catch (error) {
    if (error instanceof InvalidPayloadError) throw error;
    throw new InvalidPayloadError('bad-assembly', `${shown(manifestPath)} is not valid JSON`, {
      cause: error,
    });
  }
  const artifacts = isObject(manifest) && isObject(manifest.artifacts) ? manifest.artifacts : {};
  const out: CloudFormationSource[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (!isObject(artifact)) continue;
    const props = isObject(artifact.properties) ? artifact.properties : {};
    if (
      artifact.type === 'cdk:cloud-assembly' &&
      typeof props.directoryName === 'string' &&
      depth < 8
    ) {
      out.push(...readCloudAssembly(join(dir, props.directoryName), depth + 1));
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack' || typeof props.templateFile !== 'string')
      continue;
    const stack = templateSource(join(dir, props.templateFile), {
      stackName: typeof props.stackName === 'string' ? props.stackName : id,
      environment: environment(artifact.environment),
      cdk: true,
    });
    out.push(stack, ...nestedStacks(dir, stack, 0));
  }
  if (out.length === 0) {
    throw new InvalidPayloadError(
      'bad-assembly',
      `${shown(dir)} holds no CloudFormation stack (run npx cdk synth first)`,
    );
  }
  return out;
}

/** File assets of a cloud assembly by hash, from its asset manifests (`*.assets.json`). */
function assetFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.assets.json')) continue;
    try {
      const manifest = JSON.parse(readText(join(dir, name))) as { files?: Record<string, unknown> };
      for (const [hash, file] of Object.entries(manifest.files ?? {})) {
        const path = isObject(file) && isObject(file.source) ? file.source.path : undefined;
        if (typeof path === 'string') out.set(hash, path);
      }
    } catch {
      // An unreadable asset manifest only hides nested-stack templates, which are then not found.
    }
  }
  return out;
}

/**
 * Where a nested stack's template is in the assembly: the `aws:asset:path` metadata when the CDK
 * wrote it, else the asset whose hash names the template in `TemplateURL`.
 */
function nestedTemplatePath(
  resource: Record<string, unknown>,
  assets: () => Map<string, string>,
): string | undefined {
  const asset = isObject(resource.Metadata) ? resource.Metadata['aws:asset:path'] : undefined;
  if (typeof asset === 'string') return asset;
  const url = JSON.stringify(isObject(resource.Properties) ? resource.Properties.TemplateURL : '');
  const hash = /([0-9a-f]{64})\.json/.exec(url)?.[1];
  return hash === undefined ? undefined : assets().get(hash);
}

/** Nested stacks of a synthesized stack: their templates are assets next to the parent's. */
function nestedStacks(
  dir: string,
  parent: CloudFormationSource,
  depth: number,
): CloudFormationSource[] {
  const out: CloudFormationSource[] = [];
  const resources = isObject(parent.template.Resources) ? parent.template.Resources : {};
  let assets: Map<string, string> | undefined;
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource) || resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const asset = nestedTemplatePath(resource, () => {
      assets ??= assetFiles(dir);
      return assets;
    });
    if (asset === undefined || depth > 8) continue;
    const file = join(dir, asset);
    if (!existsSync(file)) continue;
    const nested = templateSource(file, {
      stackName: `${parent.stackName ?? parent.file}/${logicalId}`,
      environment: parent.environment,
      cdk: parent.cdk,
      nested: { parent: parent.id, logicalId },
    });
    out.push(nested, ...nestedStacks(dir, nested, depth + 1));
  }
  return out;
}

/** Reads every path into check sources. */
export function readCheckSources(paths: readonly string[]): CheckSource[] {
  const sources: CheckSource[] = [];
  for (const path of paths) {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new InvalidPayloadError('unreadable', `cannot read ${path} (${code})`, {
        cause: error,
      });
    }
    if (isDir) {
      if (!existsSync(join(path, 'manifest.json'))) {
        throw new InvalidPayloadError(
          'bad-assembly',
          `${shown(path)} is a directory without manifest.json: pass a cdk.out cloud assembly, template files or a Terraform plan`,
        );
      }
      sources.push(...readCloudAssembly(path));
      continue;
    }
    const text = readText(path);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (isPlan(json)) {
      sources.push({ kind: 'terraform', id: resolve(path), file: shown(path), plan: json });
    } else {
      sources.push(templateSource(path, {}, text));
    }
  }
  return sources;
}
