import type { Incident } from '../../lambda/core/incidents/incident';

/** Short labels of an incident for tables and headings; unknown parts are `-`. */
export interface IncidentLabels {
  /** `<first 10 of fingerprint>-<episode>`: enough to tell incidents apart, accepted by `show`. */
  readonly shortId: string;
  /** Function name with `:qualifier`. */
  readonly function: string;
  /** Service principal, `role/<name>`, `user/<name>`, `root`, or the ARN. */
  readonly principal: string;
  /** `GET /orders` (API Gateway), else `-`. */
  readonly route: string;
  /** First to last occurrence. */
  readonly durationMs: number;
}

const SHORT_FINGERPRINT = 10;

/** Derives the display labels of an incident. */
export function incidentLabels(incident: Incident): IncidentLabels {
  const d = incident.diagnosis;
  const fn = d.function;
  const name = fn.name ?? (fn.arn ? fn.arn.split(':').slice(6, 7)[0] : undefined);
  const api = d.api;
  const route =
    api?.httpMethod && api.resourcePath
      ? `${api.httpMethod} ${api.resourcePath}`
      : (api?.resourcePath ?? '-');
  return {
    shortId: `${incident.fingerprint.slice(0, SHORT_FINGERPRINT)}-${incident.episode}`,
    function: name ? `${name}${fn.qualifier ? `:${fn.qualifier}` : ''}` : '-',
    principal: principalLabel(incident),
    route,
    durationMs: Date.parse(incident.lastSeen) - Date.parse(incident.firstSeen),
  };
}

function principalLabel(incident: Incident): string {
  const p = incident.diagnosis.principal;
  if (p.service) return p.service;
  const arn = p.arn ?? '';
  switch (p.type) {
    case 'assumed-role':
    case 'iam-role':
      return p.roleName ? `role/${p.roleName}` : arn || p.type;
    case 'iam-user':
      return arn.includes(':user/')
        ? `user/${arn.slice(arn.indexOf(':user/') + 6)}`
        : arn || p.type;
    case 'root':
      return p.accountId ? `root (${p.accountId})` : 'root';
    default:
      return arn || (p.type === 'unknown' ? '-' : p.type);
  }
}
