import {
  CfnOutput,
  CfnParameter,
  CliCredentialsStackSynthesizer,
  type IStackSynthesizer,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AWS_FORMATS } from '../lambda/core/awsFormats';
import type { InvokeDoctorConfig } from './config';
import { InvokeDoctorSource } from './constructs/InvokeDoctorSource';

/** Props of {@link InvokeDoctorSourceStack}. */
export interface InvokeDoctorSourceStackProps extends StackProps {
  /** Validated configuration with its `central` object (see lib/config.ts). */
  readonly config: InvokeDoctorConfig & {
    readonly central: NonNullable<InvokeDoctorConfig['central']>;
  };
}

/**
 * The member stack, per account and Region: {@link InvokeDoctorSource} with the central account
 * as the `CentralAccountId` parameter (its default from `central.account`). It has no assets and
 * is synthesized without the CDK bootstrap's version check or roles, so the same template deploys
 * with `cdk deploy` or as a CloudFormation StackSet to accounts that were never bootstrapped.
 */
export class InvokeDoctorSourceStack extends Stack {
  /** The construct holding every resource. */
  readonly source: InvokeDoctorSource;
  /** The central account's id, given at deploy time. */
  readonly centralAccountId: CfnParameter;

  constructor(scope: Construct, id: string, props: InvokeDoctorSourceStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, {
      description:
        'invoke-doctor member: subscribes the log groups of this account to the invoke-doctor central destination',
      // CDK declares `bootstrapQualifier` as `string | undefined` on the class, which strict optional
      // property types do not accept for the interface it implements.
      synthesizer: new CliCredentialsStackSynthesizer() as IStackSynthesizer,
      ...stackProps,
    });
    const c = config.central;
    this.centralAccountId = new CfnParameter(this, 'CentralAccountId', {
      type: 'String',
      description: 'Account of the InvokeDoctorCentral stack (same Region as this stack)',
      allowedPattern: AWS_FORMATS.accountId.source,
      constraintDescription: 'a 12-digit AWS account id',
      ...(c.account === undefined ? {} : { default: c.account }),
    });
    this.source = new InvokeDoctorSource(this, 'Source', {
      centralAccount: this.centralAccountId.valueAsString,
      viaOrganization: c.organizationId !== undefined,
      logGroupNames: c.memberLogGroups,
      readRoleExternalId: c.readRole ? c.externalId : undefined,
    });
    new CfnOutput(this, 'DestinationArn', {
      description: 'The central destination the log groups of this account are subscribed to',
      value: this.source.destinationArn,
    });
  }
}
