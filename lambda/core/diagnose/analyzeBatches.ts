import { renderFixes } from '../fixes/renderFixes';
import { correlateApiGateway } from '../formats/correlateApiGateway';
import { type ApiGatewayFailure, matchApiGateway } from '../formats/matchApiGateway';
import { matchHttpApi } from '../formats/matchHttpApi';
import { type InvokeDeniedMemo, matchInvokeDenied } from '../formats/matchInvokeDenied';
import { UNKNOWN_FUNCTION } from '../formats/parseFunctionRef';
import { PATTERNS } from '../formats/patterns';
import type { LogLookupQuery } from '../ports/LogLookup';
import type { Diagnosis, DiagnosisFacts, FunctionRef, LogBatch, Principal } from '../types';
import { fingerprint } from './fingerprint';
import { prefilter } from './prefilter';
import { summarize } from './summarize';

/** Result of analysing some batches. */
export interface Analysis {
  readonly diagnoses: Diagnosis[];
  /** Events read (the prefilter counts as reading). */
  readonly eventsScanned: number;
  /** API Gateway failures whose function is not in the input: at most one query per log group. */
  readonly pendingLookups: LogLookupQuery[];
}

/** Window fetched around failures whose context is missing (execution logs of one request are close). */
export const LOOKUP_BEFORE_MS = 5 * 60_000;
export const LOOKUP_AFTER_MS = 60_000;
const SAMPLE_MAX = 500;
const ACCOUNT_ID = /^\d{12}$/;
const IAM_MARKER = PATTERNS.find((row) => row.family === 'iam')!.marker;

interface Finding {
  readonly facts: DiagnosisFacts;
  /** Fingerprint when already known (memoised for invoke denials), else computed when grouping. */
  readonly key?: string;
  readonly eventId: string;
  readonly timestamp: number | null;
  readonly requestId: string | null;
  /** Text the sample is cut from (only the first finding of a group needs it cut). */
  readonly text: string;
  readonly logGroup: string | null;
}

interface RestFailure {
  readonly batch: number;
  readonly index: number;
  readonly failure: ApiGatewayFailure;
}

interface Group {
  facts: DiagnosisFacts;
  readonly eventIds: Set<string>;
  readonly requestIds: Set<string>;
  first: number | null;
  last: number | null;
  readonly sample: string;
  readonly logGroup: string | null;
}

function eventId(batch: number, index: number, id: string | null): string {
  if (id !== null && id !== '') return id;
  // pasted text has no event ids: the event's ordinal in its batch stands in, so counting works
  return batch === 0 ? `line:${index + 1}` : `b${batch}:line:${index + 1}`;
}

function apiGatewayPrincipal(accountId: string | null): Principal {
  return {
    arn: null,
    type: 'service',
    accountId: accountId !== null && ACCOUNT_ID.test(accountId) ? accountId : null,
    roleName: null,
    service: 'apigateway.amazonaws.com',
  };
}

function scopeKey(batch: LogBatch, index: number): string {
  return batch.logGroup ?? `\u0000batch:${index}`;
}

function trimSample(text: string): string {
  const clean = text.trim();
  return clean.length > SAMPLE_MAX ? clean.slice(0, SAMPLE_MAX) : clean;
}

function restFindings(batches: readonly LogBatch[], failures: readonly RestFailure[]): Finding[] {
  const byScope = new Map<string, RestFailure[]>();
  for (const item of failures) {
    const batch = batches[item.batch]!;
    const key = scopeKey(batch, item.batch);
    const list = byScope.get(key) ?? [];
    list.push(item);
    byScope.set(key, list);
  }
  const findings: Finding[] = [];
  for (const list of byScope.values()) {
    const first = batches[list[0]!.batch]!;
    const key = scopeKey(first, list[0]!.batch);
    // the scope's messages in order, across every batch of the same log group
    const messages: string[] = [];
    const offsets = new Map<number, number>();
    batches.forEach((batch, b) => {
      if (scopeKey(batch, b) !== key) return;
      offsets.set(b, messages.length);
      for (const event of batch.events) messages.push(event.message);
    });
    const indices = list.map((item) => offsets.get(item.batch)! + item.index);
    const contexts = correlateApiGateway(messages, indices, first.logGroup);
    list.forEach((item, n) => {
      const batch = batches[item.batch]!;
      const event = batch.events[item.index]!;
      const context = contexts.get(indices[n]!)!;
      const failure = item.failure;
      const kind =
        failure.kind === 'apigw-invalid-permissions' && context.authorizer
          ? 'apigw-authorizer-invalid-permissions'
          : failure.kind;
      const fn = failure.kind === 'apigw-cannot-assume-role' ? UNKNOWN_FUNCTION : context.function;
      const facts: DiagnosisFacts = {
        kind,
        action: kind === 'apigw-cannot-assume-role' ? null : 'lambda:InvokeFunction',
        principal: apiGatewayPrincipal(context.accountId ?? batch.owner),
        function: fn,
        api: {
          id: failure.apiId ?? context.apiId,
          stage: failure.stage ?? context.stage,
          httpMethod: failure.httpMethod ?? context.httpMethod,
          resourcePath: failure.resourcePath ?? context.resourcePath,
          authorizerId:
            kind === 'apigw-authorizer-invalid-permissions' ? context.authorizerId : null,
        },
        // API Gateway only says "Invalid permissions": the function policy lacks API Gateway
        reason: kind === 'apigw-cannot-assume-role' ? 'unspecified' : 'no-resource-policy',
        denyPolicyArn: null,
        roleArn: failure.roleArn,
      };
      findings.push({
        facts,
        eventId: eventId(item.batch, item.index, event.id),
        timestamp: event.timestamp ?? failure.consoleTime,
        requestId: failure.requestId ?? context.requestId,
        text: failure.text,
        logGroup: batch.logGroup,
      });
    });
  }
  return findings;
}

function pendingLookups(
  batches: readonly LogBatch[],
  findings: readonly Finding[],
): LogLookupQuery[] {
  const byGroup = new Map<
    string,
    { ids: Set<string>; min: number; max: number; streams: Set<string | null> }
  >();
  for (const finding of findings) {
    const { kind, function: fn } = finding.facts;
    if (kind !== 'apigw-invalid-permissions' && kind !== 'apigw-authorizer-invalid-permissions') {
      continue;
    }
    if (fn.arn !== null || fn.name !== null) continue;
    if (finding.logGroup === null || finding.requestId === null || finding.timestamp === null) {
      continue;
    }
    const entry = byGroup.get(finding.logGroup) ?? {
      ids: new Set<string>(),
      min: finding.timestamp,
      max: finding.timestamp,
      streams: new Set<string | null>(),
    };
    entry.ids.add(finding.requestId);
    entry.min = Math.min(entry.min, finding.timestamp);
    entry.max = Math.max(entry.max, finding.timestamp);
    for (const batch of batches) {
      if (batch.logGroup === finding.logGroup) entry.streams.add(batch.logStream);
    }
    byGroup.set(finding.logGroup, entry);
  }
  return [...byGroup].map(([logGroup, entry]) => ({
    logGroup,
    logStream: entry.streams.size === 1 ? ([...entry.streams][0] ?? null) : null,
    requestIds: [...entry.ids],
    startTime: entry.min - LOOKUP_BEFORE_MS,
    endTime: entry.max + LOOKUP_AFTER_MS,
  }));
}

function iso(time: number | null): string | null {
  if (time === null || !Number.isFinite(time)) return null;
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * The engine: finds every diagnosable failure in the batches, correlates API Gateway lines by
 * request, and groups identical findings (same fingerprint) into one diagnosis with exact counts.
 */
export function analyzeBatches(batches: readonly LogBatch[]): Analysis {
  const findings: Finding[] = [];
  const rest: RestFailure[] = [];
  let eventsScanned = 0;
  // In an outage every line names the same caller and function: parse them once (the memo shares
  // the immutable parsed values), and hash each distinct denial's fingerprint once. The memo key
  // covers every field of a denial's facts (principal and function by identity), so it holds
  // whatever the fingerprint is made of.
  const memo: InvokeDeniedMemo = { principals: new Map(), functions: new Map() };
  const deniedKeys = new Map<Principal, Map<FunctionRef, Map<string, string>>>();
  batches.forEach((batch, b) => {
    const events = batch.events;
    eventsScanned += events.length;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const message = event.message;
      if (!prefilter(message)) continue;
      if (message.includes(IAM_MARKER)) {
        for (const denied of matchInvokeDenied(message, memo)) {
          const facts: DiagnosisFacts = {
            kind: 'invoke-access-denied',
            action: denied.action,
            principal: denied.principal,
            function: denied.function,
            api: null,
            reason: denied.reason,
            denyPolicyArn: denied.denyPolicyArn,
            roleArn: null,
          };
          let byFunction = deniedKeys.get(denied.principal);
          if (byFunction === undefined) {
            byFunction = new Map();
            deniedKeys.set(denied.principal, byFunction);
          }
          let byVariant = byFunction.get(denied.function);
          if (byVariant === undefined) {
            byVariant = new Map();
            byFunction.set(denied.function, byVariant);
          }
          const variant = `${denied.action}\u0000${denied.reason}\u0000${denied.denyPolicyArn ?? '\u0001'}`;
          let key = byVariant.get(variant);
          if (key === undefined) {
            key = fingerprint(facts);
            byVariant.set(variant, key);
          }
          findings.push({
            facts,
            key,
            eventId: eventId(b, i, event.id),
            timestamp: event.timestamp,
            requestId: null,
            text: denied.text,
            logGroup: batch.logGroup,
          });
        }
      }
      const failure = matchApiGateway(message);
      if (failure !== null) rest.push({ batch: b, index: i, failure });
      const http = matchHttpApi(message);
      if (http !== null) {
        findings.push({
          facts: {
            kind: http.kind,
            action: 'lambda:InvokeFunction',
            principal: apiGatewayPrincipal(batch.owner),
            function: UNKNOWN_FUNCTION,
            api: {
              id: http.apiId,
              stage: http.stage,
              httpMethod: http.httpMethod,
              resourcePath: http.resourcePath,
              authorizerId: null,
            },
            reason: 'unspecified',
            denyPolicyArn: null,
            roleArn: null,
          },
          eventId: eventId(b, i, event.id),
          timestamp: event.timestamp,
          requestId: http.requestId,
          text: http.text,
          logGroup: batch.logGroup,
        });
      }
    }
  });
  if (rest.length > 0) findings.push(...restFindings(batches, rest));

  const groups = new Map<string, Group>();
  for (const finding of findings) {
    const key = finding.key ?? fingerprint(finding.facts);
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        facts: finding.facts,
        eventIds: new Set(),
        requestIds: new Set(),
        first: null,
        last: null,
        sample: trimSample(finding.text),
        logGroup: finding.logGroup,
      };
      groups.set(key, group);
    }
    group.eventIds.add(finding.eventId);
    if (finding.requestId !== null) group.requestIds.add(finding.requestId);
    if (finding.timestamp !== null && Number.isFinite(finding.timestamp)) {
      group.first =
        group.first === null ? finding.timestamp : Math.min(group.first, finding.timestamp);
      group.last =
        group.last === null ? finding.timestamp : Math.max(group.last, finding.timestamp);
    }
  }
  const diagnoses: Diagnosis[] = [...groups].map(([key, group]) => ({
    ...group.facts,
    summary: summarize(group.facts),
    fixes: renderFixes(group.facts),
    occurrences: group.eventIds.size,
    firstSeen: iso(group.first),
    lastSeen: iso(group.last),
    fingerprint: key,
    logGroup: group.logGroup,
    eventIds: [...group.eventIds],
    requestIds: [...group.requestIds],
    sample: group.sample,
  }));
  return { diagnoses, eventsScanned, pendingLookups: pendingLookups(batches, findings) };
}
