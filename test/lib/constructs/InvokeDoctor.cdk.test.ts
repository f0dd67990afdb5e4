import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { InvokeDoctor, MAX_WATCHED_LOG_GROUPS } from '../../../lib/constructs/InvokeDoctor';
import { testApp } from '../../helpers/synth';

function newStack(name = 'DoctorTest'): Stack {
  return new Stack(testApp(), name);
}

describe('InvokeDoctor', () => {
  it('watches log groups through a chainable facade, by name or as ILogGroup', () => {
    // Arrange
    const stack = newStack('Facade');
    const doctor = new InvokeDoctor(stack, 'Doctor', { logGroupNames: ['/aws/lambda/a'] });

    // Act
    const returned = doctor
      .watchLogGroup('/aws/lambda/b')
      .watchLogGroup(
        logs.LogGroup.fromLogGroupName(
          stack,
          'Imported',
          'API-Gateway-Execution-Logs_a1b2c3d4e5/prod',
        ),
      );

    // Assert
    expect(returned).toBe(doctor);
    expect(doctor.watchedLogGroupNames).toEqual([
      '/aws/lambda/a',
      '/aws/lambda/b',
      'API-Gateway-Execution-Logs_a1b2c3d4e5/prod',
    ]);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 3);
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Permission',
      { Principal: 'logs.amazonaws.com' },
      3,
    );
  });

  it('verify: false grants no read access beyond its own resources and tells the functions', () => {
    // Arrange
    const on = new Stack(testApp(), 'VerifyOn');
    const off = new Stack(testApp(), 'VerifyOff');
    new InvokeDoctor(on, 'Doctor', { logGroupNames: ['/aws/lambda/a'] });
    new InvokeDoctor(off, 'Doctor', {
      logGroupNames: ['/aws/lambda/a'],
      verify: false,
      reverifyInterval: Duration.minutes(30),
    });

    // Act
    const text = (stack: Stack) => JSON.stringify(Template.fromStack(stack).toJSON());

    // Assert
    for (const action of [
      'lambda:GetPolicy',
      'apigateway:GET',
      'iam:GetRole',
      'cloudtrail:LookupEvents',
    ]) {
      expect(text(on)).toContain(action);
      expect(text(off)).not.toContain(action);
    }
    expect(text(on)).toContain('"VERIFY":"true"');
    expect(text(off)).toContain('"VERIFY":"false"');
    expect(text(off)).toContain('"REVERIFY_INTERVAL_MINUTES":"30"');
  });

  it('rejects a re-verify interval that is not a whole number of minutes in range', () => {
    expect(
      () =>
        new InvokeDoctor(newStack('BadReverify'), 'Doctor', {
          logGroupNames: ['/aws/lambda/a'],
          reverifyInterval: Duration.seconds(30),
        }),
    ).toThrow('reverifyInterval must be a whole number of minutes from 1 to 1440');
  });

  it('names its own log groups after the stack and refuses to subscribe them', () => {
    // Arrange
    const doctor = new InvokeDoctor(newStack('Named'), 'Doctor', {
      logGroupNames: ['/aws/lambda/a'],
    });

    // Assert
    expect(doctor.ownLogGroupNames).toEqual([
      '/invoke-doctor/Named/responder',
      '/invoke-doctor/Named/sweeper',
    ]);
    for (const own of doctor.ownLogGroupNames) {
      expect(() => doctor.watchLogGroup(own)).toThrow(
        `"${own}" is invoke-doctor's own log group: subscribing it would feed the responder its own output in a loop`,
      );
    }
  });

  it.each<[string, (stack: Stack) => unknown, string]>([
    [
      'accountWide with log groups',
      (s) => new InvokeDoctor(s, 'Doctor', { accountWide: true, logGroupNames: ['/aws/lambda/a'] }),
      'accountWide already subscribes every log group; remove logGroupNames',
    ],
    [
      'watchLogGroup in account-wide mode',
      (s) => new InvokeDoctor(s, 'Doctor', { accountWide: true }).watchLogGroup('/aws/lambda/a'),
      'watchLogGroup("/aws/lambda/a"): accountWide already subscribes every log group',
    ],
    [
      'the same log group twice',
      (s) => new InvokeDoctor(s, 'Doctor', { logGroupNames: ['/aws/lambda/a', '/aws/lambda/a'] }),
      'log group "/aws/lambda/a" is already watched',
    ],
    [
      'a log group name only known at deploy time',
      (s) => new InvokeDoctor(s, 'Doctor').watchLogGroup(new logs.LogGroup(s, 'Unnamed')),
      'the log group name must be a literal',
    ],
    [
      'an invalid log group name',
      (s) => new InvokeDoctor(s, 'Doctor', { logGroupNames: ['has space'] }),
      'expected a log group name',
    ],
    [
      'more log groups than the resource policy holds',
      (s) =>
        new InvokeDoctor(s, 'Doctor', {
          logGroupNames: Array.from({ length: MAX_WATCHED_LOG_GROUPS + 1 }, (_, i) => `/g/${i}`),
        }),
      `at most ${MAX_WATCHED_LOG_GROUPS} log groups fit in the responder's resource policy one by one; use accountWide instead`,
    ],
    [
      'a quiet period in seconds',
      (s) =>
        new InvokeDoctor(s, 'Doctor', { accountWide: true, quietPeriod: Duration.seconds(90) }),
      'quietPeriod must be a whole number of minutes from 1 to 1440',
    ],
    [
      'a resolved retention over ten years',
      (s) =>
        new InvokeDoctor(s, 'Doctor', {
          accountWide: true,
          resolvedRetention: Duration.days(4000),
        }),
      'resolvedRetention must be a whole number of days from 1 to 3650',
    ],
    [
      'a secret ARN instead of its name',
      (s) =>
        new InvokeDoctor(s, 'Doctor', {
          accountWide: true,
          slackWebhookSecretName: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x',
        }),
      "slackWebhookSecretName must be the secret's NAME (not its ARN)",
    ],
    [
      'a second InvokeDoctor in the same stack',
      (s) => {
        new InvokeDoctor(s, 'First', { accountWide: true });
        return new InvokeDoctor(s, 'Second', { accountWide: true });
      },
      'already has one; its resource names derive from the stack name',
    ],
  ])('rejects %s in the constructor', (_case, build, message) => {
    expect(() => build(newStack())).toThrow(message);
  });

  it('fails synthesis when nothing is watched', () => {
    // Arrange
    const stack = newStack('Idle');
    new InvokeDoctor(stack, 'Doctor');

    // Act + Assert
    expect(() => Template.fromStack(stack)).toThrow(
      'InvokeDoctor watches no log group: pass logGroupNames, call watchLogGroup(), or set accountWide',
    );
  });
});
