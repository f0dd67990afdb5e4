#!/usr/bin/env node
import { Command } from 'commander';
import { diagnoseCommand } from './commands/diagnose';
import { preflightCommand } from './commands/preflight';

/** Root program: sub-commands live in bin/commands, one file each, and load their heavy parts lazily. */
const program = new Command()
  .name('invoke-doctor')
  .description(
    'Diagnose "not authorized to perform: lambda:InvokeFunction" and API Gateway "Invalid permissions on Lambda function" failures, and print the exact fix.',
  )
  .version('0.1.0');

program.addCommand(diagnoseCommand());
program.addCommand(preflightCommand());

program.parseAsync(process.argv);
