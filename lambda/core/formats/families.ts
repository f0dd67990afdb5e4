import { cognitoTrigger } from './cognitoTrigger';
import type { FormatFamily, MessagePattern } from './FormatFamily';
import { httpApiAccessLog } from './httpApiAccessLog';
import { iamSentence } from './iamSentence';
import { restExecutionLog } from './restExecutionLog';

/** Every log-format family the engine reads; the analyzer runs each one's scanner over the input. */
export const FORMAT_FAMILIES: readonly FormatFamily[] = [
  iamSentence,
  restExecutionLog,
  httpApiAccessLog,
  cognitoTrigger,
];

/** Every message variant of every family, in family order. */
export const PATTERNS: readonly MessagePattern[] = FORMAT_FAMILIES.flatMap((family) => family.rows);
