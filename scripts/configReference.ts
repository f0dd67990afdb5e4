import { AWS_FORMAT_HINTS } from '../lambda/core/awsFormats';
import { CONFIG_CONTEXT_KEY, SETTINGS, type Setting } from '../lambda/core/settings';

/** Where the generated configuration reference lives. */
export const CONFIG_REFERENCE_PATH = 'docs/configuration.md';

function allowed(setting: Setting): string {
  switch (setting.type) {
    case 'boolean':
      return '`true` or `false`';
    case 'integer':
      return `whole number, ${setting.min} to ${setting.max}${setting.unit ? ` ${setting.unit}` : ''}`;
    case 'oneOf':
      return `one of ${setting.values.join(', ')}${setting.unit ? ` (${setting.unit})` : ''}`;
    case 'string':
      return AWS_FORMAT_HINTS[setting.format] ?? setting.format;
    case 'list':
      return setting.format === 'email'
        ? 'list of email addresses'
        : `list; each ${AWS_FORMAT_HINTS[setting.format] ?? setting.format}`;
    case 'restApis':
      return 'list of `{ "id": <REST API id>, "stages": [<stage>, ...] }`';
  }
}

function shown(setting: Setting): string {
  const value = setting.default;
  if (value === null) return 'unset';
  return `\`${JSON.stringify(value)}\``;
}

const cell = (text: string): string => text.replaceAll('|', '\\|');

/**
 * docs/configuration.md, rendered from the settings table: the file is generated (`npm run docs`)
 * and a test fails when the committed copy is stale.
 */
export function configReference(): string {
  const rows = (Object.values(SETTINGS) as Setting[]).filter((s) => s.context !== null);
  const wiring = (Object.values(SETTINGS) as Setting[]).filter((s) => s.context === null);
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated from lambda/core/settings.ts by `npm run docs`; do not edit by hand. -->',
    '',
    `Every deployment setting lives under the \`${CONFIG_CONTEXT_KEY}\` context key of \`cdk.json\``,
    `(or \`-c ${CONFIG_CONTEXT_KEY}='{...}'\` on the command line). Unknown keys are refused, so a`,
    'typo fails the synth with the field it names. Settings the functions read at run time are passed',
    'to them as the environment variable shown; the stack sets them, never by hand.',
    '',
    '| `cdk.json` key | allowed values | default | environment variable | what it does |',
    '|---|---|---|---|---|',
    ...rows.map(
      (s) =>
        `| \`${s.context}\` | ${cell(allowed(s))} | ${shown(s)} | ${s.env ? `\`${s.env}\`` : '—'} | ${cell(s.doc)} |`,
    ),
    '',
    'Set by the stack from the resources it creates:',
    '',
    '| environment variable | allowed values | what it does |',
    '|---|---|---|',
    ...wiring.map((s) => `| \`${s.env}\` | ${cell(allowed(s))} | ${cell(s.doc)} |`),
    '',
    'Either `accountWide: true` or at least one of `restApis`, `functions` and `logGroups` is',
    'required, and the lists must be empty in account-wide mode (see [account-wide mode](account-wide.md)).',
    'A log group may be watched only once, and never one of invoke-doctor’s own.',
    '',
    'The `central.*` keys are absent unless you configure them: a `central` object adds the',
    '`InvokeDoctorCentral` and `InvokeDoctorSource` stacks next to `InvokeDoctor`. It needs exactly one',
    'of `central.organizationId` and `central.accountIds`, and `central.externalId` exactly when',
    '`central.readRole` is true (see [organisation](organisation.md)).',
    '',
  ];
  return lines.join('\n');
}
