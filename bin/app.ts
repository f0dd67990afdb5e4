#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { STACK_NAMES } from '../lambda/core/constants';
import { ConfigError } from '../lambda/core/errors';
import { CONFIG_CONTEXT_KEY } from '../lambda/core/settings';
import { applyContextOverrides, parseConfig } from '../lib/config';
import { InvokeDoctorCentralStack } from '../lib/InvokeDoctorCentralStack';
import { InvokeDoctorSourceStack } from '../lib/InvokeDoctorSourceStack';
import { InvokeDoctorStack } from '../lib/InvokeDoctorStack';
import { InvokeGrantChecks } from '../lib/nag/InvokeGrantChecks';

/**
 * CDK entry (cdk.json "app"): validate the `invoke-doctor` context, build the single-account stack
 * (and, with a `central` object, the organisation's central and member stacks), run cdk-nag.
 */
const app = new App();
try {
  // `-c invoke-doctor.accountWide=true` and friends override single settings of cdk.json's value
  const raw = applyContextOverrides(
    app.node.tryGetContext(CONFIG_CONTEXT_KEY),
    app.node.getAllContext(),
  );
  const config = parseConfig(raw);
  new InvokeDoctorStack(app, STACK_NAMES.single, { config });
  const { central } = config;
  if (central !== undefined) {
    new InvokeDoctorCentralStack(app, STACK_NAMES.central, { config: { ...config, central } });
    new InvokeDoctorSourceStack(app, STACK_NAMES.source, { config: { ...config, central } });
  }
  // Any unacknowledged finding fails the synth, so a deploy can never skip the review.
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new ServerlessChecks(app),
    new InvokeGrantChecks(app),
  );
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // One line naming the field, instead of a stack trace through CDK internals.
  console.error(`invoke-doctor: invalid configuration: ${error.message}`);
  process.exit(2);
}
