import { type ArnParts, splitArn } from './compileArnPattern';
import type { PreparedContext } from './compileCondition';
import { describePrincipal, type Identity } from './describePrincipal';
import type { AccessRequest, ContextValue } from './types';

/** A request read once, so that evaluating many statements allocates little. */
export interface PreparedRequest {
  readonly identity: Identity;
  /** The caller as findings print it. */
  readonly principalText: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceArn: ArnParts | undefined;
  /** For a resource qualified with `$LATEST`, the same ARN without the qualifier. */
  readonly latestUnqualified: ArnParts | undefined;
  readonly context: PreparedContext;
}

function values(value: ContextValue): readonly string[] | null {
  if (value === null) return null;
  if (typeof value === 'string') return [value];
  if (typeof value === 'boolean') return [value ? 'true' : 'false'];
  return value;
}

/** Reads an {@link AccessRequest} once: the caller's identity, the split resource ARN, the context. */
export function prepareRequest(request: AccessRequest): PreparedRequest {
  const context = new Map<string, { values: readonly string[] | null; raw: ContextValue }>();
  const clashes = new Set<string>();
  for (const [key, raw] of Object.entries(request.context)) {
    const lower = key.toLowerCase();
    // Two spellings of one key with different values: which one IAM would see is unknown.
    if (context.has(lower) && context.get(lower)?.raw !== raw) clashes.add(lower);
    context.set(lower, { values: values(raw), raw });
  }
  for (const key of clashes) context.delete(key);
  const p = request.principal;
  const resourceArn = splitArn(request.resource);
  const latest = request.resource.endsWith(':$LATEST')
    ? splitArn(request.resource.slice(0, -':$LATEST'.length))
    : undefined;
  return {
    identity: describePrincipal(p),
    principalText: p.kind === 'service' ? p.service : p.kind === 'aws' ? p.arn : 'anonymous',
    action: request.action,
    resource: request.resource,
    resourceArn,
    latestUnqualified: latest && /^function:[^:]+$/.test(latest.resource) ? latest : undefined,
    context,
  };
}
