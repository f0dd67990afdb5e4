import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS } from '../../lambda/core/settings';
import { CONFIG_REFERENCE_PATH, configReference } from '../../scripts/configReference';
import { ROOT } from '../helpers/paths';

describe('the configuration reference', () => {
  test('the committed docs/configuration.md is what the settings table renders (npm run docs)', () => {
    expect(readFileSync(join(ROOT, CONFIG_REFERENCE_PATH), 'utf8')).toBe(configReference());
  });

  test('names every setting with its key or variable and its default', () => {
    const text = configReference();
    for (const setting of Object.values(SETTINGS)) {
      expect(text).toContain(`\`${setting.context ?? setting.env}\``);
      if (setting.env !== null) expect(text).toContain(`\`${setting.env}\``);
    }
    expect(text).toContain(
      `| \`incidents.quietPeriodMinutes\` | whole number, 1 to 1440 minutes | \`${SETTINGS.quietPeriodMinutes.default}\` |`,
    );
  });
});
