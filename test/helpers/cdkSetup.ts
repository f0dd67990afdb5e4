import { requireTools } from './requireTools';

/** The cdk tier lints what it synthesizes with cfn-lint and formats Terraform snippets. */
export default async function cdkSetup(): Promise<void> {
  requireTools('cdk', [
    { name: 'cfn-lint', args: ['--version'], install: 'pip install cfn-lint' },
    {
      name: 'terraform',
      args: ['version'],
      install:
        'install Terraform from HashiCorp (only `terraform fmt` is used: no provider, no network)',
    },
  ]);
}
