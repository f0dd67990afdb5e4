import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Props of {@link AlertTopic}. */
export interface AlertTopicProps {
  /**
   * Email addresses to subscribe (each receives a confirmation message first).
   * @default - no subscriptions
   */
  readonly emails?: readonly string[] | undefined;
  /** Queue that keeps email deliveries SNS finally gave up on. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * The alert topic, encrypted with a customer managed KMS key (the AWS managed aws/sns key cannot
 * let CloudWatch alarms publish), TLS-only, open to this account's CloudWatch alarms.
 */
export class AlertTopic extends Construct {
  /** The SNS topic alerts and alarms publish to. */
  readonly topic: sns.Topic;
  /** Customer managed key encrypting the topic. */
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      description: 'invoke-doctor alert topic encryption',
      enableKeyRotation: true,
      // Nothing is stored under this key (SNS only encrypts messages in transit through the topic).
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch alarm actions publish to the encrypted topic as the CloudWatch service; only this
    // account's alarms may use the key (a service principal alone would let any account's alarm
    // encrypt with it: the confused deputy).
    const alarms = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': alarms },
        },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'invoke-doctor',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisAccountsCloudWatchAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': alarms },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    for (const email of props.emails ?? []) {
      this.topic.addSubscription(
        new subscriptions.EmailSubscription(email, { deadLetterQueue: props.deadLetterQueue }),
      );
    }
  }

  /** Lets `grantee` publish alerts: sns:Publish on the topic and the two KMS calls that needs. */
  grantPublish(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [this.key.keyArn],
      }),
    );
  }
}
