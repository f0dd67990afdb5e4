import { InvalidPolicyError } from '../errors';

/** Longest policy text accepted; IAM's and Lambda's own limits are far below it. */
export const MAX_POLICY_CHARS = 131_072;

/**
 * Turns policy text as AWS returns it into JSON text. Lambda's GetPolicy returns plain JSON; IAM's
 * GetRolePolicy, GetUserPolicy and GetPolicyVersion return it URL-encoded (RFC 3986), which the CLI
 * decodes but the SDK does not. Throws {@link InvalidPolicyError} for text that is neither.
 */
export function decodePolicyDocument(text: string): string {
  if (text.length > MAX_POLICY_CHARS) {
    throw new InvalidPolicyError(
      'too-large',
      '',
      `policy text exceeds ${MAX_POLICY_CHARS} characters`,
    );
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return trimmed;
  if (/^%7b/i.test(trimmed)) {
    try {
      return decodeURIComponent(trimmed);
    } catch (cause) {
      throw new InvalidPolicyError('bad-encoding', '', 'policy text is not valid URL encoding', {
        cause,
      });
    }
  }
  throw new InvalidPolicyError('not-json', '', 'policy text is neither JSON nor URL-encoded JSON');
}
