import { type CfnResource, Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, type NagPackProps, NagRuleCompliance } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { CHECK_RULE_IDS, CHECK_RULES } from '../../lambda/core/check/checkRules';
import {
  type CheckSource,
  type CloudFormationSource,
  checkSources,
} from '../../lambda/core/check/checkSources';
import type { CheckFinding } from '../../lambda/core/check/runCheck';

/** Options of {@link InvokeGrantChecks}. */
export interface InvokeGrantChecksProps extends NagPackProps {
  /**
   * Also report callers whose grant cannot be decided from the app alone (a value chosen at
   * deploy time, a function in another account), as warnings to acknowledge.
   * @default true
   */
  readonly reportCannotTell?: boolean;
  /**
   * Also require REST API grants to cover the console's Test button (`test-invoke-stage`).
   * @default false
   */
  readonly testInvoke?: boolean;
}

/** Findings by stack path and logical id, computed once per validation. */
type FindingIndex = Map<string, CheckFinding[]>;

const key = (stackPath: string, logicalId: string) => `${stackPath}\u0000${logicalId}`;

/** The template of a stack as synthesis writes it (what `assertions.Template` reads too). */
function templateOf(stack: Stack): Record<string, unknown> {
  // `_toCloudFormation` is how aws-cdk-lib itself renders a stack; it resolves, it does not write.
  const render = (stack as unknown as { _toCloudFormation(): Record<string, unknown> })
    ._toCloudFormation;
  return render.call(stack);
}

const known = (value: string | undefined) =>
  value !== undefined && !/\$\{Token\[/.test(value) ? value : undefined;

/** Every stack of the app as check sources, nested stacks after their parents. */
function sourcesOf(root: IConstruct): CheckSource[] {
  const stacks = root.node.findAll().filter((c): c is Stack => Stack.isStack(c));
  return stacks.map((stack): CloudFormationSource => {
    const parent = stack.nestedStackParent;
    const resource = stack.nestedStackResource;
    return {
      kind: 'cloudformation',
      id: stack.node.path,
      file: stack.templateFile,
      stackName: stack.node.path,
      template: templateOf(stack),
      environment: { account: known(stack.account), region: known(stack.region) },
      cdk: true,
      nested:
        parent && resource
          ? {
              parent: parent.node.path,
              logicalId: parent.resolve((resource as CfnResource).logicalId),
            }
          : undefined,
    };
  });
}

/**
 * The invoke-grant rules of `invoke-doctor check` as a cdk-nag pack: at synth time, every API
 * integration and authorizer, function URL and service caller of the app must have the grant it
 * needs, decided by the same evaluator as the CLI and the live verification. Rule ids are
 * `InvokeGrant-IDC001` and so on (`...-CannotTell` for what the app alone does not decide);
 * acknowledge them as any cdk-nag rule.
 */
export class InvokeGrantChecks extends NagPack {
  readonly name = 'InvokeGrant';
  readonly #props: InvokeGrantChecksProps;
  #index: { root: IConstruct; findings: FindingIndex } | undefined;

  constructor(scope?: IConstruct, props: InvokeGrantChecksProps = {}) {
    super(scope, props);
    this.packName = 'InvokeGrant';
    this.#props = props;
  }

  override validateScope(scope: IConstruct): ReturnType<NagPack['validateScope']> {
    // The app may have changed since the last validation (tests mutate it): analyse it afresh.
    this.#index = undefined;
    return super.validateScope(scope);
  }

  #findings(node: CfnResource): CheckFinding[] {
    const root = node.node.root;
    if (this.#index?.root !== root) {
      const report = checkSources(sourcesOf(root), { testInvoke: this.#props.testInvoke === true });
      const findings: FindingIndex = new Map();
      for (const f of report.findings) {
        const k = key(f.location.stack ?? '', f.location.resource);
        findings.set(k, [...(findings.get(k) ?? []), f]);
      }
      this.#index = { root, findings };
    }
    const stack = Stack.of(node);
    return this.#index.findings.get(key(stack.node.path, stack.resolve(node.logicalId))) ?? [];
  }

  protected checkResource(node: CfnResource): void {
    const findings = this.#findings(node);
    if (findings.length === 0) return;
    for (const id of CHECK_RULE_IDS) {
      const rule = CHECK_RULES[id];
      const failing = findings.filter((f) => f.ruleId === id && f.kind === 'fail');
      if (failing.length > 0) {
        this.applyRule({
          ruleSuffixOverride: id,
          info: failing.map((f) => f.message).join(' '),
          explanation: `${rule.summary} ${rule.explanation} Fix: ${failing[0]?.fix?.description ?? 'see the message'}`,
          level: rule.level === 'error' ? NagMessageLevel.ERROR : NagMessageLevel.WARN,
          node,
          rule: () => NagRuleCompliance.NON_COMPLIANT,
        });
      }
      const open = findings.filter((f) => f.ruleId === id && f.kind === 'cannot-tell');
      if (open.length > 0 && this.#props.reportCannotTell !== false) {
        this.applyRule({
          ruleSuffixOverride: `${id}-CannotTell`,
          info: open.map((f) => f.message).join(' '),
          explanation: `${rule.summary} The app alone does not decide it; acknowledge it once checked.`,
          level: NagMessageLevel.WARN,
          node,
          rule: () => NagRuleCompliance.NON_COMPLIANT,
        });
      }
    }
  }
}
