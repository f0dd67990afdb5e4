/**
 * The `set-stage-variable` fix: the integration URI uses `${stageVariables.x}` and the stage does
 * not define `x`, so API Gateway cannot build the function ARN. The value is a choice (the alias
 * or function the stage should call), so the command is a template, never runnable as it stands.
 */
import type { Fix } from '../types';
import { checked, shown } from './checked';

/** What the stage-variable fix needs. */
export interface StageVariableTarget {
  readonly api: 'rest' | 'http';
  readonly apiId: string;
  readonly stage: string;
  readonly region: string;
  readonly names: readonly string[];
}

/** Renders the `update-stage` template defining the missing variable. */
export function renderSetStageVariable(t: StageVariableTarget): Fix {
  // Every part passed its whole-value format or shows as a placeholder: nothing else is printed.
  const region = shown(checked(t.region, 'region', 'the region', '<REGION>', 'a region code'));
  const apiId = shown(checked(t.apiId, 'apiId', 'the API id', '<API_ID>', 'an API id'));
  const stage = shown(checked(t.stage, 'stageName', 'the stage', '<STAGE>', 'a stage name'));
  const names = t.names.map((n) =>
    shown(checked(n, 'stageVariableName', 'the variable', '<VARIABLE>', 'a stage variable name')),
  );
  const name = names[0] ?? '<VARIABLE>';
  const template =
    t.api === 'rest'
      ? `aws apigateway update-stage --region ${region} --rest-api-id ${apiId} --stage-name ${stage} --patch-operations 'op=replace,path=/variables/${name},value=<VALUE>'`
      : `aws apigatewayv2 update-stage --region ${region} --api-id ${apiId} --stage-name ${stage} --stage-variables '${name}=<VALUE>'`;
  return {
    kind: 'set-stage-variable',
    description: `The integration names its function through ${names.map((n) => `\${stageVariables.${n}}`).join(', ')}, and stage ${stage} does not define ${names.length === 1 ? 'it' : 'them'}: API Gateway cannot build the function ARN. Define it on the stage with the alias, version or function the stage should call, then grant API Gateway on that function (with --qualifier for an alias). Template: ${template}`,
    command: null,
  };
}
