#!/usr/bin/env node
import { Command } from 'commander';
import { version } from '../package.json';
import { reportError } from './cli/runAction';
import { strictUsage, usageExitCode } from './cli/strictUsage';
import { checkCommand } from './commands/check';
import { diagnoseCommand } from './commands/diagnose';
import { incidentsCommand } from './commands/incidents';
import { preflightCommand } from './commands/preflight';
import { replayCommand } from './commands/replay';

// The CLI's promise is one line per error: the SDK's Node-version notice (Node 20 is supported
// until 2027) would add a multi-line warning to stderr on every AWS call.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Root program: sub-commands live in bin/commands, one file each, and load their heavy parts lazily. */
const program = new Command()
  .name('invoke-doctor')
  .description(
    'Diagnose "not authorized to perform: lambda:InvokeFunction" and API Gateway "Invalid permissions on Lambda function" failures, and print the exact fix.',
  )
  .version(version);

program.addCommand(diagnoseCommand());
program.addCommand(preflightCommand());
program.addCommand(replayCommand());
program.addCommand(incidentsCommand());
program.addCommand(checkCommand());

strictUsage(program)
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    // usage errors were printed by commander on one line; anything else gets the one-line report
    process.exitCode = usageExitCode(error) ?? reportError(error);
  });
