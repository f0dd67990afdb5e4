import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { INCIDENTS_TABLE_SCHEMA } from '../../lambda/core/constants';

/**
 * The incident store: on-demand, encrypted (AWS managed key), point-in-time recovery, TTL on
 * `expiresAt`, deletion protection and RemovalPolicy.RETAIN so `cdk destroy` never loses history.
 */
export class IncidentsTable extends dynamodb.Table {
  constructor(scope: Construct, id: string) {
    const s = INCIDENTS_TABLE_SCHEMA;
    super(scope, id, {
      partitionKey: { name: s.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: s.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: s.ttlAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.addGlobalSecondaryIndex({
      indexName: s.indexName,
      partitionKey: { name: s.indexPartitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: s.indexSortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }

  /** ARNs a data-plane IAM statement needs: the table and its one index (no `index/*` wildcard). */
  get dataArns(): string[] {
    return [this.tableArn, `${this.tableArn}/index/${INCIDENTS_TABLE_SCHEMA.indexName}`];
  }
}
