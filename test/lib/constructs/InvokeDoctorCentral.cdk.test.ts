import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import { InvokeDoctor } from '../../../lib/constructs/InvokeDoctor';
import { InvokeDoctorCentral } from '../../../lib/constructs/InvokeDoctorCentral';
import { InvokeDoctorSource } from '../../../lib/constructs/InvokeDoctorSource';
import { nagFindings, testApp } from '../../helpers/synth';

function newStack(name: string): Stack {
  return new Stack(testApp(), name);
}

describe('InvokeDoctor reading a stream', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['accountWide', { accountWide: true }, 'accountWide applies to log groups of this account'],
    ['log groups', { logGroupNames: ['/aws/lambda/a'] }, 'logGroupNames applies'],
    ['context lookups', { contextLookup: true }, 'contextLookup applies'],
  ])('refuses %s, which concern this account only', (_case, extra, message) => {
    const stack = newStack('StreamConflicts');
    const stream = new kinesis.Stream(stack, 'Stream');
    expect(() => new InvokeDoctor(stack, 'Doctor', { stream: { stream }, ...extra })).toThrow(
      message,
    );
  });

  it('refuses watchLogGroup and out-of-range consumer settings', () => {
    const stack = newStack('StreamWatch');
    const stream = new kinesis.Stream(stack, 'Stream');
    const doctor = new InvokeDoctor(stack, 'Doctor', { stream: { stream } });
    expect(() => doctor.watchLogGroup('/aws/lambda/a')).toThrow('this responder reads a stream');
    const other = newStack('StreamBatch');
    expect(
      () =>
        new InvokeDoctor(other, 'Doctor', {
          stream: { stream: new kinesis.Stream(other, 'Stream'), batchSize: 20_000 },
        }),
    ).toThrow('stream.batchSize must be a whole number from 1 to 10000');
  });
});

describe('InvokeDoctorCentral', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a malformed organisation id', { senders: { organizationId: 'o-X' } }, 'organizationId'],
    ['no accounts', { senders: { accountIds: [] } }, 'lists no account'],
    ['a masked account', { senders: { accountIds: ['1111****1111'] } }, 'is not a 12-digit'],
    ['zero shards', { senders: { accountIds: ['111111111111'] }, shards: 0 }, 'shards must'],
    [
      'an external id with a space',
      { senders: { accountIds: ['111111111111'] }, memberReadRoleExternalId: 'a b' },
      'memberReadRoleExternalId must be',
    ],
  ])('refuses %s', (_case, props, message) => {
    const stack = newStack('CentralErrors');
    expect(() => new InvokeDoctorCentral(stack, 'Central', props as never)).toThrow(message);
  });

  it('encrypts with a customer managed key when one is given, and lets CloudWatch Logs use it', () => {
    // Arrange
    const stack = newStack('CentralKey');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });

    // Act
    const central = new InvokeDoctorCentral(stack, 'Central', {
      senders: { organizationId: 'o-a1b2c3d4e5' },
      encryptionKey: key,
    });
    const template = Template.fromStack(stack);

    // Assert
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: {
        EncryptionType: 'KMS',
        KeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(central.logsRole.node.defaultChild as never) }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'kms:GenerateDataKey' })]),
      },
    });
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('InvokeDoctorSource', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a malformed central account', { centralAccount: '99999999999' }, 'centralAccount must be'],
    [
      'its own log group',
      { centralAccount: '999999999999', logGroupNames: ['/invoke-doctor/InvokeDoctor/sweeper'] },
      "is invoke-doctor's own log group",
    ],
    [
      'a log group twice',
      { centralAccount: '999999999999', logGroupNames: ['/a', '/a'] },
      'is listed twice',
    ],
    [
      'a malformed log group',
      { centralAccount: '999999999999', logGroupNames: ['/a b'] },
      'expected a log group name',
    ],
  ])('refuses %s', (_case, props, message) => {
    const stack = newStack('SourceErrors');
    expect(() => new InvokeDoctorSource(stack, 'Source', props as never)).toThrow(message);
  });
});
