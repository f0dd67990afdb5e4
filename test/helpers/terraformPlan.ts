/**
 * Terraform plans in the documented `terraform show -json` format (format_version 1.2), built in
 * the tests: no public plan with Lambda or API Gateway resources exists and `terraform plan`
 * cannot run here (no providers, no registry). The envelope mirrors the real plans of
 * hashicorp/terraform-json's testdata (test/events/check/terraform/): `planned_values` with each
 * resource's known values (unknown ones omitted), `resource_changes` with `actions`, `before`,
 * `after`, `after_unknown`, and `configuration` with each attribute's `references`.
 */

/** One resource of a plan. */
export interface PlanResourceSpec {
  /** `aws_lambda_function.worker`. */
  readonly address: string;
  /** Values known at plan time. */
  readonly values: Record<string, unknown>;
  /** Attributes known only after apply, with what the configuration references for each. */
  readonly unknown?: Record<string, readonly string[]>;
  /** Default `['create']`. */
  readonly actions?: readonly string[];
  /** The prior values, for updates, replacements and no-ops. */
  readonly before?: Record<string, unknown>;
}

/** A plan for the given resources, in one root module. */
export function buildPlan(
  resources: readonly PlanResourceSpec[],
  region = 'eu-west-1',
): Record<string, unknown> {
  const split = (address: string) => {
    const [type = '', name = ''] = address.split('.');
    return { type, name };
  };
  const provider = 'registry.terraform.io/hashicorp/aws';
  return {
    format_version: '1.2',
    terraform_version: '1.9.8',
    planned_values: {
      root_module: {
        resources: resources.map((r) => ({
          address: r.address,
          mode: 'managed',
          ...split(r.address),
          provider_name: provider,
          schema_version: 0,
          values: r.values,
          sensitive_values: {},
        })),
      },
    },
    resource_changes: resources.map((r) => {
      const actions = r.actions ?? ['create'];
      return {
        address: r.address,
        mode: 'managed',
        ...split(r.address),
        provider_name: provider,
        change: {
          actions,
          before:
            actions.includes('create') && !actions.includes('delete')
              ? null
              : (r.before ?? r.values),
          after: r.values,
          after_unknown: Object.fromEntries(Object.keys(r.unknown ?? {}).map((k) => [k, true])),
          before_sensitive: false,
          after_sensitive: {},
        },
      };
    }),
    configuration: {
      provider_config: {
        aws: {
          name: 'aws',
          full_name: provider,
          expressions: { region: { constant_value: region } },
        },
      },
      root_module: {
        resources: resources.map((r) => ({
          address: r.address,
          mode: 'managed',
          ...split(r.address),
          provider_config_key: 'aws',
          expressions: {
            ...Object.fromEntries(
              Object.entries(r.values).map(([k, v]) => [k, { constant_value: v }]),
            ),
            ...Object.fromEntries(
              Object.entries(r.unknown ?? {}).map(([k, refs]) => [k, { references: refs }]),
            ),
          },
          schema_version: 0,
        })),
      },
    },
  };
}
