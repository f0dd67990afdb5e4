import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const WRITE = /^(Put|Update|Delete|BatchWrite|TransactWrite)/;
const READ = /^(Get|BatchGet|Query|Scan|TransactGet)/;

/** DynamoDB operations a client sent, by operation name (`PutItem`, `Query`, ...). */
export interface DynamoDbCallCounter {
  readonly calls: Record<string, number>;
  /** Put/Update/Delete/BatchWrite/TransactWrite calls counted so far. */
  writes(): number;
  /** Get/BatchGet/Query/Scan/TransactGet calls counted so far. */
  reads(): number;
  reset(): void;
}

/**
 * Counts every operation `client` sends (a middleware at the `initialize` step: the calls still go
 * to the server). Used by the storm benchmark and the incident-store tests for writes per delivery.
 */
export function countDynamoDbCalls(client: DynamoDBClient): DynamoDbCallCounter {
  const calls: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      calls[name] = (calls[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countDynamoDbCalls' },
  );
  const sum = (pattern: RegExp) =>
    Object.entries(calls)
      .filter(([name]) => pattern.test(name))
      .reduce((total, [, n]) => total + n, 0);
  return {
    calls,
    writes: () => sum(WRITE),
    reads: () => sum(READ),
    reset: () => {
      for (const key of Object.keys(calls)) delete calls[key];
    },
  };
}
