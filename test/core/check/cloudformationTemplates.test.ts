/**
 * Public CloudFormation templates with short-form intrinsics (aws-cloudformation-templates): the
 * check resolves `!Join`, `!Sub` with implicit `${Resource}` / `${Resource.Attr}`, `!GetAtt` and
 * `!Ref` symbolically, and removing a grant from them fails exactly the routes it served.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplateText } from '../../../bin/check/parseTemplateText';
import { type CheckOptions, checkSources } from '../../../lambda/core/check/checkSources';
import { EVENTS_DIR } from '../../helpers/paths';

const DIR = join(EVENTS_DIR, 'check', 'cloudformation');

function load(name: string) {
  const text = readFileSync(join(DIR, name), 'utf8');
  return { text, ...parseTemplateText(text, name) };
}

function check(name: string, template: Record<string, unknown>, options: CheckOptions = {}) {
  const parsed = load(name);
  return checkSources(
    [{ kind: 'cloudformation', id: name, file: name, template, position: parsed.position }],
    options,
  );
}

function without(template: Record<string, unknown>, logicalId: string): Record<string, unknown> {
  const copy = structuredClone(template);
  delete (copy.Resources as Record<string, unknown>)[logicalId];
  return copy;
}

describe('APIGateway/apigateway_lambda_integration.yaml', () => {
  const { template } = load('apigateway_lambda_integration.yaml');

  test('its grant hard-codes arn:aws: while the integration uses ${AWS::Partition}: cannot tell, saying so', () => {
    // Act
    const report = check('apigateway_lambda_integration.yaml', template);

    // Assert
    expect(
      report.findings.map((f) => [f.ruleId, f.kind, f.location.resource, f.location.line]),
    ).toEqual([['IDC001', 'cannot-tell', 'ApiMethod', 56]]);
    expect(report.findings[0]?.message).toContain('allowed only if ${AWS::Partition} is aws');
  });

  test('deployed to the aws partition the grant covers the ANY method on every path', () => {
    expect(
      check('apigateway_lambda_integration.yaml', template, { partition: 'aws' }).findings,
    ).toEqual([]);
  });

  test('without LambdaApiGatewayInvoke the method fails with the fix as a !Sub of the template itself', () => {
    // Act
    const report = check(
      'apigateway_lambda_integration.yaml',
      without(template, 'LambdaApiGatewayInvoke'),
      { partition: 'aws' },
    );

    // Assert
    const [finding] = report.findings;
    expect(finding).toMatchObject({ ruleId: 'IDC001', level: 'error', kind: 'fail' });
    expect(finding?.fix?.cloudformation).toContain(
      "SourceArn: !Sub 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/*/*/*'",
    );
    expect(finding?.fix?.cloudformation).toContain('function:${LambdaFunctionName}');
  });
});

describe('RainModules/api-resource.yml', () => {
  const { template } = load('api-resource.yml');

  test('two grants (/*/*/* and the root /*/*/) cover both methods of a resource on a parameter-given API', () => {
    const report = check('api-resource.yml', template);
    expect(report.counts).toMatchObject({ callers: 2, allowed: 2 });
    expect(report.findings).toEqual([]);
  });

  test('the root grant alone does not cover a method below the root', () => {
    // Act
    const report = check('api-resource.yml', without(template, 'Permission'));

    // Assert
    expect(report.findings.map((f) => [f.ruleId, f.level, f.location.resource])).toEqual([
      ['IDC001', 'error', 'Options'],
      ['IDC001', 'error', 'Get'],
    ]);
    expect(report.findings[0]?.related.map((r) => r.location.resource)).toContain('RootPermission');
  });
});

describe('Solutions/WebApp/webapp.yaml', () => {
  const { template, text } = load('webapp.yaml');

  test('the expanded Rain module, written in short-form intrinsics, grants every route', () => {
    // Arrange
    const tags = text.match(/!(Ref|Sub|GetAtt|Join|Select|Split|If|Equals|ImportValue)\b/g) ?? [];

    // Act
    const report = check('webapp.yaml', template);

    // Assert
    expect(tags.length).toBeGreaterThanOrEqual(100);
    expect(report.counts).toMatchObject({ callers: 4, allowed: 4, failed: 0, cannotTell: 0 });
  });
});

describe('parseTemplateText', () => {
  test('turns every short-form tag into its long form and records resource lines', () => {
    // Act
    const parsed = parseTemplateText(
      [
        'Resources:',
        '  A:',
        '    Type: AWS::Lambda::Permission',
        '    Properties:',
        '      FunctionName: !GetAtt Fn.Arn',
        '      SourceArn: !Sub [ "arn:${P}:x", { P: !Ref AWS::Partition } ]',
        '      Principal: !Select [ 0, !Split [ ",", "a,b" ] ]',
        '      Action: !If [ C, !Join [ "", [ x ] ], !ImportValue y ]',
      ].join('\n'),
      't.yaml',
    );

    // Assert
    expect(parsed.template).toEqual({
      Resources: {
        A: {
          Type: 'AWS::Lambda::Permission',
          Properties: {
            FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] },
            SourceArn: { 'Fn::Sub': ['arn:${P}:x', { P: { Ref: 'AWS::Partition' } }] },
            Principal: { 'Fn::Select': [0, { 'Fn::Split': [',', 'a,b'] }] },
            Action: { 'Fn::If': ['C', { 'Fn::Join': ['', ['x']] }, { 'Fn::ImportValue': 'y' }] },
          },
        },
      },
    });
    expect(parsed.position('A')).toEqual({ line: 2, column: 3 });
  });

  test('JSON templates are parsed as JSON, with the line and column of every resource key', () => {
    // Arrange
    const file = join(EVENTS_DIR, 'check', 'sam', 'function_with_alias_and_event_sources.json');
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');

    // Act
    const parsed = parseTemplateText(text, 'output.json');

    // Assert
    expect(parsed.template).toEqual(JSON.parse(text));
    const ids = Object.keys(parsed.template.Resources as object);
    expect(ids.length).toBeGreaterThan(20);
    for (const id of ids) {
      const at = parsed.position(id);
      const line = lines[(at?.line ?? 0) - 1] ?? '';
      expect(line.slice((at?.column ?? 1) - 1)).toMatch(new RegExp(`^"${id}": \\{`));
    }
    // A key named like a resource elsewhere in the document is not taken for one.
    expect(parsed.position('Properties')).toBeUndefined();
  });

  test.each([
    ['unclosed flow', 'Resources: {', /t\.yaml: not valid JSON or YAML/],
    ['a list', '- a\n- b', /t\.yaml: a template must be a mapping/],
  ])('rejects %s with a one-line error', (_, text, message) => {
    expect(() => parseTemplateText(text, 't.yaml')).toThrow(message);
  });
});
