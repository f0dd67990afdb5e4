import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { decodeAwslogs, MAX_PAYLOAD_BYTES } from '../../../lambda/core/decode/decodeAwslogs';
import { decodeInput } from '../../../lambda/core/decode/decodeInput';
import { analyzeBatches } from '../../../lambda/core/diagnose/analyzeBatches';
import { InvalidPayloadError } from '../../../lambda/core/errors';
import { fixture } from '../../helpers/fixture';

const SAMPLE = JSON.parse(fixture('awslogs/aws-sample.json')) as { awslogs: { data: string } };
const CLOUDTRAIL_DOC = JSON.parse(fixture('data-message/cloudtrail-doc.json')) as Record<
  string,
  unknown
>;

function reasonOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidPayloadError) return error.reason;
    throw error;
  }
  return 'no error';
}

describe('decodeInput: subscription payloads', () => {
  test("AWS's published awslogs sample decodes to the testLogGroup DATA_MESSAGE", () => {
    // Act
    const batches = decodeInput(fixture('awslogs/aws-sample.json'));

    // Assert
    expect(batches).toEqual([
      {
        format: 'awslogs',
        owner: '123456789123',
        logGroup: 'testLogGroup',
        logStream: 'testLogStream',
        policyLevel: null,
        events: [
          { id: 'eventId1', timestamp: 1440442987000, message: '[ERROR] First test message' },
          { id: 'eventId2', timestamp: 1440442987001, message: '[ERROR] Second test message' },
        ],
      },
    ]);
    expect(analyzeBatches(batches)).toEqual({
      diagnoses: [],
      eventsScanned: 2,
      pendingLookups: [],
    });
  });

  test('a real captured Lambda payload keeps its 56-digit ids and trailing newline', () => {
    const [batch] = decodeInput(fixture('awslogs/lambda-invoke-error-real.json'));
    expect(batch?.logGroup).toBe(
      '/aws/lambda/loanleasecalculatorapi-dev-getMinimumAndMaximumFinanceAmount',
    );
    expect(batch?.owner).toBe('947227295406');
    expect(batch?.events[0]?.id).toBe('36735872539779335322665442786606994876801460262461046793');
    expect(batch?.events[0]?.message).toMatch(/\tERROR\tInvoke Error \t\{.*\n$/s);
  });

  test('decodeAwslogs returns the batch, and null for CONTROL_MESSAGE', () => {
    const control = gzipSync(fixture('data-message/control-message.json')).toString('base64');
    expect(decodeAwslogs(SAMPLE.awslogs.data)?.logGroup).toBe('testLogGroup');
    expect(decodeAwslogs(control)).toBeNull();
    expect(decodeInput(JSON.stringify({ awslogs: { data: control } }))).toEqual([]);
  });

  test('a decoded DATA_MESSAGE, with or without policyLevel', () => {
    // Arrange
    const accountLevel = {
      ...structuredClone(CLOUDTRAIL_DOC),
      policyLevel: 'ACCOUNT_LEVEL_POLICY',
    };

    // Act
    const [plain] = decodeInput(fixture('data-message/cloudtrail-doc.json'));
    const [policy] = decodeInput(JSON.stringify(accountLevel));

    // Assert
    expect(plain).toMatchObject({
      format: 'data-message',
      logGroup: 'CloudTrail',
      policyLevel: null,
    });
    expect(plain?.events).toHaveLength(3);
    expect(policy?.policyLevel).toBe('ACCOUNT_LEVEL_POLICY');
  });

  test('CONTROL_MESSAGE JSON is recognised and ignored', () => {
    expect(decodeInput(fixture('data-message/control-message.json'))).toEqual([]);
  });

  test('raw gzip bytes and the bare awslogs.data string are accepted', () => {
    const bytes = Buffer.from(SAMPLE.awslogs.data, 'base64');
    expect(decodeInput(new Uint8Array(bytes))[0]).toMatchObject({
      format: 'data-message',
      logGroup: 'testLogGroup',
    });
    expect(decodeInput(`${SAMPLE.awslogs.data}\n`)[0]?.logGroup).toBe('testLogGroup');
  });

  test('aws logs filter-log-events output: one batch per stream, ids and times kept', () => {
    // Arrange: FilteredLogEvent shape (API reference) carrying the real lines of 2.6
    const output = {
      events: [
        {
          logStreamName: '072b030ba126b2f4b2374f342be9ed44',
          timestamp: 1536026489779,
          message: fixture('rest-execution-log/invalid-permissions-info.log').split('\n')[0],
          ingestionTime: 1536026489790,
          eventId: '34254535366754881534587556924695368967726048245496414208',
        },
        {
          logStreamName: '072b030ba126b2f4b2374f342be9ed44',
          timestamp: 1536026489781,
          message: fixture('rest-execution-log/invalid-permissions-info.log').split('\n')[2],
          ingestionTime: 1536026489790,
          eventId: '34254535366799483024984618170978440404271344968508375041',
        },
      ],
      searchedLogStreams: [],
    };

    // Act
    const batches = decodeInput(JSON.stringify(output), {
      logGroup: 'API-Gateway-Execution-Logs_abc123def45/dev',
    });
    const [diagnosis] = analyzeBatches(batches).diagnoses;

    // Assert
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({
      format: 'filter-log-events',
      logGroup: 'API-Gateway-Execution-Logs_abc123def45/dev',
      logStream: '072b030ba126b2f4b2374f342be9ed44',
    });
    expect(diagnosis).toMatchObject({
      kind: 'apigw-invalid-permissions',
      function: { name: 'simple_regex_lambda' },
      eventIds: ['34254535366799483024984618170978440404271344968508375041'],
      firstSeen: '2018-09-04T02:01:29.781Z',
    });
  });
});

describe('decodeInput: plain text', () => {
  test('one event per line, CRLF and blank lines tolerated, log group from options', () => {
    const text = fixture('rest-execution-log/console-test-invalid-permissions.log').replace(
      /\n/g,
      '\r\n\r\n',
    );
    const [batch] = decodeInput(text, { logGroup: 'my-group' });
    expect(batch?.format).toBe('text');
    expect(batch?.logGroup).toBe('my-group');
    expect(batch?.events.map((event) => event.message.slice(0, 31))).toEqual([
      'Thu Jan 25 06:47:10 UTC 2018 : ',
      'Thu Jan 25 06:47:10 UTC 2018 : ',
      'Thu Jan 25 06:47:10 UTC 2018 : ',
    ]);
  });

  test('a pretty-printed Invoke Error block stays one event with its header line', () => {
    const [batch] = decodeInput(fixture('negative/get-function-configuration-invoke-error.log'));
    expect(batch?.events).toHaveLength(1);
    expect(batch?.events[0]?.message).toMatch(/^2020-01-27T20:45:51\.054Z\t.*Invoke Error\t\n\{/s);
  });

  test('whole-input JSON that is no payload is one event', () => {
    const [batch] = decodeInput(fixture('iam-sentence/nodejs10-error-record.json'));
    expect(batch?.events).toHaveLength(1);
    expect(batch?.events[0]?.message).toContain('"errorType": "AccessDeniedException"');
  });

  test('terminal escape sequences are removed from payload messages too', () => {
    // Arrange: the real Lambda payload's first message, coloured as a logger would
    const line = fixture('iam-sentence/no-identity-policy.log').trim();
    const coloured = `\u001b[31m${line.replace('lambda:InvokeFunction', '\u001b[1mlambda:InvokeFunction\u001b[22m')}\u001b[0m`;
    const message = {
      messageType: 'DATA_MESSAGE',
      owner: '458036673695',
      logGroup: '/aws/lambda/caller',
      logStream: 's',
      subscriptionFilters: ['f'],
      logEvents: [{ id: '1', timestamp: 1, message: coloured }],
    };
    const inputs = [
      JSON.stringify({ awslogs: { data: gzipSync(JSON.stringify(message)).toString('base64') } }),
      JSON.stringify(message),
      JSON.stringify({
        events: [{ logStreamName: 's', timestamp: 1, message: coloured, eventId: '1' }],
      }),
    ];
    for (const input of inputs) {
      // Act
      const [batch] = decodeInput(input);
      // Assert
      expect(batch?.events[0]?.message).toBe(line);
    }
  });

  test('empty input yields no batch', () => {
    expect(decodeInput('')).toEqual([]);
    expect(decodeInput(' \n\n')).toEqual([]);
  });
});

describe('decodeInput: unusable input is a typed error with a reason', () => {
  const gz = (text: string) => gzipSync(text).toString('base64');
  test.each([
    ['bad-base64', JSON.stringify({ awslogs: { data: 'not base64 at all!' } })],
    ['not-gzip', JSON.stringify({ awslogs: { data: Buffer.from('hello').toString('base64') } })],
    ['not-gzip', JSON.stringify({ awslogs: { data: SAMPLE.awslogs.data.slice(0, 40) } })],
    ['not-json', JSON.stringify({ awslogs: { data: gz('this is not json') } })],
    ['bad-shape', JSON.stringify({ awslogs: { data: gz('{"messageType":"DATA_MESSAGE"}') } })],
    ['bad-shape', JSON.stringify({ awslogs: {} })],
    ['bad-shape', '{"messageType":"SOMETHING_ELSE","logEvents":[]}'],
    ['bad-shape', '{"events":[{"message":42}]}'],
    ['not-json', '{"awslogs": {"data": "H4sIAAAA'],
  ])('%s: %s', (reason, input) => {
    expect(reasonOf(() => decodeInput(input))).toBe(reason);
  });

  test('a gzip bomb stops at the payload limit with a typed error naming the limit', () => {
    // Arrange: 65 MiB of zeros compress to about 65 KB
    const bomb = gzipSync(Buffer.alloc(MAX_PAYLOAD_BYTES + 1024 * 1024));
    const event = JSON.stringify({ awslogs: { data: bomb.toString('base64') } });
    // Act
    let caught: unknown;
    try {
      decodeInput(event);
    } catch (error) {
      caught = error;
    }
    // Assert
    expect(caught).toBeInstanceOf(InvalidPayloadError);
    expect((caught as InvalidPayloadError).reason).toBe('too-large');
    expect((caught as Error).message).toContain('64 MiB');
    expect(reasonOf(() => decodeInput(bomb))).toBe('too-large');
  });

  test('a malformed event inside a good payload is skipped and counted, the others are kept', () => {
    // Arrange: a non-string message, a bad timestamp and a non-object among two good events
    const input = JSON.stringify({
      messageType: 'DATA_MESSAGE',
      logGroup: '/aws/lambda/f',
      logEvents: [
        { id: '1', timestamp: 1, message: 'first' },
        { id: '2', timestamp: 2, message: { nested: true } },
        { id: '3', timestamp: 'soon', message: 'x' },
        42,
        { id: '5', timestamp: 5, message: 'last' },
      ],
    });
    // Act
    const [batch] = decodeInput(input);
    // Assert
    expect(batch?.events.map((e) => e.message)).toEqual(['first', 'last']);
    expect(batch?.malformed).toBe(3);
  });

  test('the error is one line and names the problem', () => {
    try {
      decodeInput(JSON.stringify({ awslogs: { data: 'aGVsbG8=' } }));
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidPayloadError);
      expect((error as Error).message).toBe('awslogs.data is not gzip data');
    }
  });
});

describe('decodeInput: hostile input (property)', () => {
  const onlyTypedErrors = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (!(error instanceof InvalidPayloadError)) throw error;
    }
  };

  test('arbitrary bytes never throw anything but InvalidPayloadError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) =>
        onlyTypedErrors(() => decodeInput(bytes)),
      ),
      { numRuns: 500 },
    );
  });

  test('arbitrary strings, alone or in payload shapes, never throw anything else', () => {
    const shaped = fc
      .string({ maxLength: 200 })
      .chain((s) =>
        fc.constantFrom(
          s,
          `{"awslogs":{"data":${JSON.stringify(s)}}}`,
          `{"messageType":"DATA_MESSAGE","logEvents":${s}}`,
          `{"events":[${s}]}`,
          `{${s}`,
          `H4sI${s}`,
        ),
      );
    fc.assert(
      fc.property(shaped, (input) => onlyTypedErrors(() => decodeInput(input))),
      {
        numRuns: 1000,
      },
    );
  });

  test('gzip of arbitrary JSON values never throws anything else', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        const data = gzipSync(JSON.stringify(value) ?? 'null').toString('base64');
        onlyTypedErrors(() => decodeInput(JSON.stringify({ awslogs: { data } })));
      }),
      { numRuns: 300 },
    );
  });
});
