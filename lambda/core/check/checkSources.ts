/**
 * `check` from parsed inputs to findings: CloudFormation templates (SAM ones expanded first), the
 * stacks of a CDK cloud assembly with their nested stacks and cross-stack exports, and Terraform
 * plans, each read into a graph and evaluated. Pure: bin/check reads the files.
 */
import { buildCfnGraph } from './buildCfnGraph';
import { type CfnLinks, CfnStack, type StackEnvironment } from './CfnStack';
import type { CheckGraph, Replacement } from './CheckGraph';
import { expandSam, isSamTemplate } from './expandSam';
import { planToTemplate } from './planToTemplate';
import { type CheckReport, runCheck } from './runCheck';
import { SymbolTable } from './SymbolTable';
import { asObject, type Resolved } from './Unresolved';

type Json = Record<string, unknown>;

/** A CloudFormation (or SAM) template, as read from a file or a cloud assembly. */
export interface CloudFormationSource {
  readonly kind: 'cloudformation';
  /** Unique among the sources (the cloud assembly's artifact id, or the file). */
  readonly id: string;
  readonly file: string;
  readonly stackName?: string | undefined;
  readonly template: Json;
  readonly position?:
    | ((logicalId: string) => { line: number; column: number } | undefined)
    | undefined;
  /** Where the stack deploys, from the cloud assembly; undefined for a lone template. */
  readonly environment?:
    | { readonly account?: string | undefined; readonly region?: string | undefined }
    | undefined;
  /** Synthesized by the CDK: fixes are also rendered as CDK code. */
  readonly cdk?: boolean | undefined;
  /** For a nested stack: its parent source and the `AWS::CloudFormation::Stack` resource. */
  readonly nested?: { readonly parent: string; readonly logicalId: string } | undefined;
}

/** A Terraform plan (`terraform show -json`). */
export interface TerraformSource {
  readonly kind: 'terraform';
  readonly id: string;
  readonly file: string;
  readonly plan: unknown;
}

/** One input of `check`. */
export type CheckSource = CloudFormationSource | TerraformSource;

/** What the command line can say about where templates deploy and how to read them. */
export interface CheckOptions {
  /** Also require grants for the console's test invoke (REST `test-invoke-stage`). */
  readonly testInvoke?: boolean | undefined;
  readonly region?: string | undefined;
  readonly account?: string | undefined;
  readonly partition?: string | undefined;
  /** Template parameter values (`--parameter Name=Value`). */
  readonly parameters?: Readonly<Record<string, string>> | undefined;
}

const TERRAFORM_PSEUDO: Readonly<Record<string, { display: string; terraform: string }>> = {
  'AWS::Partition': {
    display: '${data.aws_partition.current.partition}',
    terraform: 'data.aws_partition.current.partition',
  },
  'AWS::Region': {
    display: '${data.aws_region.current.region}',
    terraform: 'data.aws_region.current.region',
  },
  'AWS::AccountId': {
    display: '${data.aws_caller_identity.current.account_id}',
    terraform: 'data.aws_caller_identity.current.account_id',
  },
};

function environmentOf(source: CloudFormationSource, options: CheckOptions): StackEnvironment {
  const account = source.environment?.account ?? options.account;
  const region = source.environment?.region ?? options.region;
  return {
    key: `cfn:${account ?? '?'}:${region ?? '?'}`,
    account,
    region,
    partition: options.partition,
  };
}

/** Builds linked stacks: exports and imports across stacks, nested-stack parameters and outputs. */
function linkStacks(
  sources: readonly CloudFormationSource[],
  symbols: SymbolTable,
  options: CheckOptions,
): CfnStack[] {
  const stacks = new Map<string, CfnStack>();
  const resolving = new Set<string>();
  const links: CfnLinks = {
    importValue(name) {
      for (const stack of stacks.values()) {
        const outputs = asObject(stack.input.template.Outputs as Resolved) ?? {};
        for (const [outputId, output] of Object.entries(outputs)) {
          const o = asObject(output);
          const exported = asObject(o?.Export);
          if (exported === undefined) continue;
          const key = `${stack.input.id}/${outputId}`;
          if (resolving.has(key)) continue;
          resolving.add(key);
          const exportName = stack.resolve(exported.Name);
          const value = exportName === name ? stack.resolve(o?.Value) : undefined;
          resolving.delete(key);
          if (value !== undefined) return value;
        }
      }
      return undefined;
    },
    nestedOutput(parent, logicalId, output) {
      for (const stack of stacks.values()) {
        const nested = nestedOf.get(stack.input.id);
        if (nested?.parent !== parent.input.id || nested.logicalId !== logicalId) continue;
        const outputs = asObject(stack.input.template.Outputs as Resolved) ?? {};
        return stack.resolve(asObject(outputs[output])?.Value);
      }
      return undefined;
    },
  };
  const nestedOf = new Map(sources.map((s) => [s.id, s.nested]));
  for (const source of sources) {
    const template = isSamTemplate(source.template) ? expandSam(source.template) : source.template;
    let parameters: Record<string, Resolved> | undefined = options.parameters;
    if (source.nested) {
      const parent = stacks.get(source.nested.parent);
      const given = parent?.property(source.nested.logicalId, 'Parameters');
      parameters = { ...(asObject(given) ?? {}) };
    }
    const stack = new CfnStack(
      {
        id: source.id,
        stackName: source.stackName,
        file: source.file,
        template,
        environment: source.nested
          ? (stacks.get(source.nested.parent)?.input.environment ?? environmentOf(source, options))
          : environmentOf(source, options),
        parameters,
        position: source.position,
      },
      symbols,
      links,
    );
    stacks.set(source.id, stack);
  }
  return [...stacks.values()];
}

/** Functions a deploy replaces (a property that needs replacement changed) with a grant left as is. */
function cfnReplacements(before: CfnStack, after: CfnStack): Replacement[] {
  const out: Replacement[] = [];
  const raw = (stack: CfnStack, id: string) => stack.resources.get(id)?.Properties ?? {};
  for (const [id, resource] of after.resources) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const old = before.resources.get(id);
    if (old?.Type !== resource.Type) continue;
    const changed = ['FunctionName', 'PackageType'].filter(
      (p) => JSON.stringify(raw(before, id)[p]) !== JSON.stringify(raw(after, id)[p]),
    );
    if (changed.length === 0) continue;
    const oldName = before.ref(id);
    for (const [pid, p] of after.resources) {
      if (p.Type !== 'AWS::Lambda::Permission') continue;
      const props = raw(after, pid);
      const text = JSON.stringify(props.FunctionName ?? null);
      // A Ref or GetAtt of the function changes with it, so CloudFormation replaces the grant too.
      if (text.includes(`"${id}"`) || text.includes(`"${id}.`)) continue;
      const name = after.property(pid, 'FunctionName');
      const onOld =
        typeof oldName === 'string' && typeof name === 'string' && name.includes(oldName);
      const unchanged = JSON.stringify(raw(before, pid)) === JSON.stringify(props);
      if (!onOld || !unchanged) continue;
      out.push({
        function: { location: after.location(id), label: id },
        grant: after.location(pid),
        why: `${changed.join(' and ')} changed, which replaces the function; ${pid} names it by a value that does not change, so CloudFormation leaves it and it stays on the deleted function`,
      });
    }
  }
  return out;
}

function terraformGraph(
  source: TerraformSource,
  symbols: SymbolTable,
  options: CheckOptions,
): CheckGraph {
  const plan = planToTemplate(source.plan);
  const stack = new CfnStack(
    {
      id: source.id,
      stackName: undefined,
      file: source.file,
      template: plan.template,
      environment: {
        key: `tf:${source.id}`,
        region: options.region ?? plan.region,
        account: options.account ?? plan.account,
        partition: options.partition ?? plan.partition,
      },
      symbolForm: (address, attribute) => {
        const pseudo = TERRAFORM_PSEUDO[address];
        if (pseudo && attribute === undefined) return pseudo;
        const reference = `${address}.${plan.attributeName(address, attribute)}`;
        return { display: `\${${reference}}`, terraform: reference };
      },
    },
    symbols,
    { importValue: () => undefined, nestedOutput: () => undefined },
  );
  const graph = buildCfnGraph([stack], symbols, {
    source: 'terraform',
    testInvoke: options.testInvoke === true,
  });
  return {
    ...graph,
    replacements: plan.replacements.map((r) => ({
      function: { location: stack.location(r.functionAddress), label: r.functionAddress },
      grant: stack.location(r.permissionAddress),
      why: r.why,
    })),
  };
}

/** Checks every source (and, with a baseline, what the change from it replaces). */
export function checkSources(
  sources: readonly CheckSource[],
  options: CheckOptions = {},
  baseline: readonly CheckSource[] = [],
): CheckReport {
  const symbols = new SymbolTable();
  const graphs: CheckGraph[] = [];
  const cfn = sources.filter((s): s is CloudFormationSource => s.kind === 'cloudformation');
  if (cfn.length > 0) {
    const stacks = linkStacks(cfn, symbols, options);
    const graph = buildCfnGraph(stacks, symbols, {
      source: cfn.some((s) => s.cdk) ? 'cdk' : 'cloudformation',
      testInvoke: options.testInvoke === true,
    });
    const before = baseline.filter((s): s is CloudFormationSource => s.kind === 'cloudformation');
    const replacements: Replacement[] = [];
    if (before.length > 0) {
      const old = linkStacks(before, new SymbolTable(), options);
      for (const stack of stacks) {
        const match =
          old.find(
            (o) => o.input.stackName !== undefined && o.input.stackName === stack.input.stackName,
          ) ?? (old.length === 1 && stacks.length === 1 ? old[0] : undefined);
        if (match) replacements.push(...cfnReplacements(match, stack));
      }
    }
    graphs.push({ ...graph, replacements });
  }
  for (const source of sources) {
    if (source.kind === 'terraform') graphs.push(terraformGraph(source, symbols, options));
  }
  const reports = graphs.map(runCheck);
  return {
    findings: reports.flatMap((r) => r.findings),
    counts: {
      callers: reports.reduce((n, r) => n + r.counts.callers, 0),
      grants: reports.reduce((n, r) => n + r.counts.grants, 0),
      allowed: reports.reduce((n, r) => n + r.counts.allowed, 0),
      failed: reports.reduce((n, r) => n + r.counts.failed, 0),
      cannotTell: reports.reduce((n, r) => n + r.counts.cannotTell, 0),
    },
  };
}
