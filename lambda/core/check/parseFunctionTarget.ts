/**
 * Reads which function (and qualifier) a template string names, in every form templates use: a
 * function ARN (qualified or not), the API Gateway invocation URI around it, a partial ARN
 * (`123456789012:function:name`) or a bare name (`name`, `name:alias`). Parts may be symbols.
 */

/** The parts a string named; partition, region and account are undefined when it did not say. */
export interface FunctionTargetParts {
  readonly partition: string | undefined;
  readonly region: string | undefined;
  readonly account: string | undefined;
  readonly name: string;
  readonly qualifier: string | null;
}

// Function names and qualifiers hold no `:` or `/`; symbols stand for such parts too.
const PART = '[^:/]+';
const INVOCATION = new RegExp(
  `^arn:(${PART}):apigateway:(${PART}):lambda:path/2015-03-31/functions/(.+)/invocations$`,
);
const FUNCTION_ARN = new RegExp(
  `^arn:(${PART}):lambda:(${PART}):(${PART}):function:(${PART})(?::(${PART}))?$`,
);
const PARTIAL_ARN = new RegExp(`^(${PART}):function:(${PART})(?::(${PART}))?$`);
const NAME = new RegExp(`^(${PART})(?::(${PART}))?$`);

/** Whether a string is an API Gateway Lambda invocation URI (`...:lambda:path/.../invocations`). */
export function isLambdaInvocationUri(value: string): boolean {
  return INVOCATION.test(value);
}

/** The function a string names, or undefined when it names none in a form Lambda accepts. */
export function parseFunctionTarget(value: string): FunctionTargetParts | undefined {
  const uri = INVOCATION.exec(value);
  const text = uri ? (uri[3] as string) : value;
  const arn = FUNCTION_ARN.exec(text);
  if (arn) {
    return {
      partition: arn[1],
      region: arn[2],
      account: arn[3],
      name: arn[4] as string,
      qualifier: arn[5] ?? null,
    };
  }
  if (uri) return undefined;
  const partial = PARTIAL_ARN.exec(text);
  if (partial) {
    return {
      partition: undefined,
      region: undefined,
      account: partial[1],
      name: partial[2] as string,
      qualifier: partial[3] ?? null,
    };
  }
  if (text.startsWith('arn:')) return undefined;
  const name = NAME.exec(text);
  if (name) {
    return {
      partition: undefined,
      region: undefined,
      account: undefined,
      name: name[1] as string,
      qualifier: name[2] ?? null,
    };
  }
  return undefined;
}
