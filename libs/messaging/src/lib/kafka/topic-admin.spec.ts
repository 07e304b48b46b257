import { Kafka } from 'kafkajs';
import { ensureTopics } from './topic-admin';

/** An admin whose createTopics answers the given errors first (a broker settling), then succeeds. */
function settlingBroker(errors: Error[]) {
  const created: string[][] = [];
  const admin = {
    connect: jest.fn(async () => undefined),
    disconnect: jest.fn(async () => undefined),
    listTopics: jest.fn(async () => []),
    createTopics: jest.fn(async ({ topics }: { topics: { topic: string }[] }) => {
      const next = errors.shift();
      if (next) throw next;
      created.push(topics.map((t) => t.topic));
      return true;
    }),
  };
  return { kafka: { admin: () => admin } as unknown as Pick<Kafka, 'admin'>, admin, created };
}

const retriable = (message: string) => Object.assign(new Error(message), { retriable: true });
const noPause = async () => undefined;

describe('ensureTopics', () => {
  it('waits out a broker that is still settling, then creates the topics and their DLQs', async () => {
    const { kafka, created, admin } = settlingBroker([
      retriable('This server does not host this topic-partition'),
      retriable('There is no leader for this topic-partition'),
    ]);
    await ensureTopics(kafka, ['a'], 3, 60_000, noPause);
    expect(admin.createTopics).toHaveBeenCalledTimes(3);
    expect(created).toEqual([['a', 'a.dlq']]);
    expect(admin.disconnect).toHaveBeenCalledTimes(3);
  });

  it('gives up at once on an error that is not retriable', async () => {
    const { kafka, admin } = settlingBroker([new Error('Topic authorization failed')]);
    await expect(ensureTopics(kafka, ['a'], 3, 60_000, noPause)).rejects.toThrow(/authorization/);
    expect(admin.createTopics).toHaveBeenCalledTimes(1);
  });

  it('gives up once the broker has not settled in time', async () => {
    const { kafka } = settlingBroker([retriable('coordinator loading')]);
    await expect(ensureTopics(kafka, ['a'], 3, 0, noPause)).rejects.toThrow(/coordinator loading/);
  });
});
