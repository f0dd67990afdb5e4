/**
 * Three tiers, one command: `npm test` runs them all (what CI runs), `npm run test:unit` runs the
 * pure tier alone. The tier is in the file name:
 *   *.test.ts           unit      pure, in-process, no emulator, no global setup (seconds)
 *   *.emulator.test.ts  emulator  moto + the AWS CLI + the built CLI (global setup starts moto)
 *   *.cdk.test.ts       cdk       synthesis, cdk-nag, cfn-lint, terraform fmt
 */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // One fast-check seed for every property that names none: the same runs on every `npm test`.
  setupFiles: ['<rootDir>/test/helpers/fixedSeed.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['\\.emulator\\.test\\.ts$', '\\.cdk\\.test\\.ts$'],
    },
    {
      ...shared,
      displayName: 'emulator',
      testMatch: ['**/*.emulator.test.ts'],
      globalSetup: '<rootDir>/test/helpers/emulatorSetup.ts',
      globalTeardown: '<rootDir>/test/helpers/emulatorTeardown.ts',
    },
    {
      ...shared,
      displayName: 'cdk',
      testMatch: ['**/*.cdk.test.ts'],
      globalSetup: '<rootDir>/test/helpers/cdkSetup.ts',
    },
  ],
};
