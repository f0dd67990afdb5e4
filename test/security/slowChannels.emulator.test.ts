/**
 * Finding 8: slow channels. With a Slack webhook that hangs, each pending incident cost the sweeper
 * a full timeout, one after another (4 incidents: 125 s against a 60 s timeout); a webhook that
 * answered after the timeout received the same OPENED alert 7 times. Reproduced with a local HTTP
 * receiver standing in for Slack (scaled down: a 300 ms timeout instead of 10 s), the real
 * SlackNotifier and IncidentService on the incident table (dynalite): a send that may have reached
 * Slack is never repeated, and the sweeper's sends run side by side.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDbIncidentRepository } from '../../lambda/adapters/DynamoDbIncidentRepository';
import { SlackNotifier } from '../../lambda/adapters/SlackNotifier';
import { NotificationError } from '../../lambda/core/errors';
import { IncidentService } from '../../lambda/core/incidents/IncidentService';
import type { Diagnosis } from '../../lambda/core/types';
import { createIncidentsTable, type IncidentsTable } from '../helpers/createIncidentsTable';
import { fixedClock } from '../helpers/fixedClock';
import { lambdaDenial } from '../helpers/lambdaDenial';
import { TEST_POLICY } from '../helpers/testPolicy';

const T0 = Date.parse('2024-05-14T10:00:00.000Z');
const TIMEOUT_MS = 300;

/** A webhook that answers `ok` after `delayMs`, or never (`null`), counting what it gets. */
interface SlowReceiver {
  readonly url: string;
  readonly posts: string[];
  /** Most requests in flight at once. */
  readonly maxInFlight: () => number;
  close(): Promise<void>;
}

async function slowReceiver(delayMs: number | null): Promise<SlowReceiver> {
  const posts: string[] = [];
  let inFlight = 0;
  let max = 0;
  const server: Server = createServer((req, res) => {
    inFlight++;
    max = Math.max(max, inFlight);
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      posts.push(body);
      if (delayMs === null) return; // hangs: never answers
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T0/B0/x`,
    posts,
    maxInFlight: () => max,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function slack(url: string): SlackNotifier {
  return new SlackNotifier({
    webhookUrl: { get: async () => url },
    timeoutMs: TIMEOUT_MS,
    maxAttempts: 3,
    sleep: async () => {},
  });
}

function denial(name: string): Diagnosis {
  return { ...lambdaDenial(T0, 1, 0), fingerprint: name };
}

describe('slow and hanging Slack webhooks', () => {
  let table: IncidentsTable;

  beforeAll(async () => {
    table = await createIncidentsTable('dynalite', `sec-slow-${process.pid}`);
  });

  afterAll(async () => {
    await table.close();
  });

  test('a webhook that answers after the timeout gets the alert once, and it is never resent', async () => {
    // Arrange: Slack takes the post but answers too late
    const receiver = await slowReceiver(TIMEOUT_MS * 3);
    const clock = fixedClock(T0);
    const service = new IncidentService({
      repository: new DynamoDbIncidentRepository({
        client: table.client,
        tableName: table.tableName,
      }),
      notifiers: [slack(receiver.url)],
      clock,
      policy: TEST_POLICY,
      retry: { attempts: 3 },
      sleep: async () => {},
    });
    try {
      // Act: the delivery, then two sweeps (a minute apart) that would retry anything pending
      const [recorded] = await service.record([denial('slowok')], {
        logGroup: '/aws/lambda/x',
        owner: null,
        receivedAt: T0,
      });
      clock.advance(6 * 60_000);
      const first = await service.sweep();
      clock.advance(60_000);
      const second = await service.sweep();
      // Assert: one post, its outcome recorded as unknown, nothing pending, nothing resent
      expect(receiver.posts).toHaveLength(1);
      expect(recorded?.sends).toEqual([
        expect.objectContaining({ channel: 'slack', ok: true, status: 'unconfirmed' }),
      ]);
      expect([...first.sends, ...second.sends]).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  test('the notifier itself never retries a request that may have been delivered', async () => {
    const receiver = await slowReceiver(null);
    try {
      const error = await slack(receiver.url)
        .send({
          kind: 'opened',
          notificationId: 'n-1',
          newOccurrences: 1,
          incident: {
            id: 'hang-1',
            fingerprint: 'hang',
            episode: 1,
            previousIncidentId: null,
            status: 'open',
            diagnosis: denial('hang'),
            occurrences: 1,
            firstSeen: new Date(T0).toISOString(),
            lastSeen: new Date(T0).toISOString(),
            resolvedAt: null,
            hourly: {},
          },
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotificationError);
      expect((error as NotificationError).mayHaveBeenDelivered).toBe(true);
      expect(receiver.posts).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  test('a hanging webhook: the sweeper sends the pending alerts of several incidents side by side', async () => {
    // Arrange: four incidents whose OPENED alert is pending for Slack (it was down, 503)
    const down = await slowReceiver(0);
    const clock = fixedClock(T0);
    const repository = new DynamoDbIncidentRepository({
      client: table.client,
      tableName: table.tableName,
    });
    const failing = new IncidentService({
      repository,
      notifiers: [
        {
          channel: 'slack',
          send: async () => {
            throw new NotificationError('slack', 'HTTP 503', { retryable: true });
          },
        },
      ],
      clock,
      policy: TEST_POLICY,
      retry: { attempts: 1 },
    });
    for (const name of ['hanga', 'hangb', 'hangc', 'hangd']) {
      await failing.record([denial(name)], {
        logGroup: '/aws/lambda/x',
        owner: null,
        receivedAt: T0,
      });
    }
    await down.close();
    const hanging = await slowReceiver(null);
    const sweeper = new IncidentService({
      repository,
      notifiers: [slack(hanging.url)],
      clock,
      policy: TEST_POLICY,
      retry: { attempts: 1 },
    });
    try {
      // Act: the lease of the failed sends has expired; the sweeper retries them
      clock.advance(6 * 60_000);
      // a sweep whose time is up starts nothing: the incidents wait for the next one
      const outOfTime = await sweeper.sweep({ deadline: clock.now() });
      const postsWhenOutOfTime = hanging.posts.length;
      const sweep = await sweeper.sweep();
      const again = await sweeper.sweep();
      // Assert
      expect(outOfTime.deferred).toBeGreaterThanOrEqual(4);
      expect(postsWhenOutOfTime).toBe(0);
      // the four posts were in flight together, each is unconfirmed, none is sent twice
      const mine = sweep.sends.filter((s) => /^hang[abcd]-/.test(s.notificationId));
      expect(mine).toHaveLength(4);
      expect(mine.every((s) => s.ok && s.status === 'unconfirmed')).toBe(true);
      expect(hanging.maxInFlight()).toBe(4);
      expect(hanging.posts).toHaveLength(4);
      expect(again.sends.filter((s) => /^hang[abcd]-/.test(s.notificationId))).toEqual([]);
    } finally {
      await hanging.close();
    }
  });
});
