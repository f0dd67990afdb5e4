#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ConfigError } from '../lambda/core/errors';
import { CONFIG_CONTEXT_KEY } from '../lambda/core/settings';
import { applyContextOverrides, parseConfig } from '../lib/config';
import { InvokeDoctorStack } from '../lib/InvokeDoctorStack';

/** CDK entry (cdk.json "app"): validate the `invoke-doctor` context, build the stack, run cdk-nag. */
const app = new App();
try {
  // `-c invoke-doctor.accountWide=true` and friends override single settings of cdk.json's value
  const raw = applyContextOverrides(
    app.node.tryGetContext(CONFIG_CONTEXT_KEY),
    app.node.getAllContext(),
  );
  const config = parseConfig(raw);
  new InvokeDoctorStack(app, 'InvokeDoctor', { config });
  // Any unacknowledged finding fails the synth, so a deploy can never skip the review.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // One line naming the field, instead of a stack trace through CDK internals.
  console.error(`invoke-doctor: invalid configuration: ${error.message}`);
  process.exit(2);
}
