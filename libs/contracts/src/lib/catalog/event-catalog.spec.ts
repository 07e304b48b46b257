import { z } from 'zod';
import { EventCatalog } from './event-catalog';
import { defineEvent } from './event-definition';
import { EventDecodeError } from './event-decode.error';

// A v1 payload had one `name`; v2 split it. The upcaster lifts stored v1 events so consumers only see v2.
const WidgetRenamed = defineEvent({
  type: 'WidgetRenamed',
  topic: 'test.widget.renamed',
  versions: [
    { version: 1, schema: z.object({ widgetId: z.string(), name: z.string() }).strict() },
    {
      version: 2,
      schema: z
        .object({ widgetId: z.string(), givenName: z.string(), familyName: z.string() })
        .strict(),
      upcast: (v1: { widgetId: string; name: string }) => {
        const [givenName, ...rest] = v1.name.split(' ');
        return { widgetId: v1.widgetId, givenName, familyName: rest.join(' ') };
      },
    },
  ],
  partitionKey: (p) => p.widgetId,
});

const catalog = new EventCatalog([WidgetRenamed]);

function raw(overrides: Record<string, unknown>): string {
  return JSON.stringify({
    id: '8f14e45f-ceea-4e7a-9f6d-2b1f4b6e0c11',
    type: 'WidgetRenamed',
    version: 2,
    tenantId: 'acme',
    correlationId: '0c8a3b47-5b0d-4ff2-9a7b-21a44a6a9a53',
    causationId: null,
    occurredAt: '2026-11-27T10:00:00.000Z',
    producer: 'spec',
    payload: { widgetId: 'w1', givenName: 'Ada', familyName: 'Lovelace' },
    ...overrides,
  });
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EventDecodeError);
    expect((error as EventDecodeError).retryable).toBe(false);
    return (error as EventDecodeError).reason;
  }
  throw new Error('expected a decode error');
}

describe('EventCatalog', () => {
  it('reads a v1 event as v2 through the upcaster', () => {
    const event = catalog.decode(
      WidgetRenamed.topic,
      raw({ version: 1, payload: { widgetId: 'w1', name: 'Ada King Lovelace' } }),
    );
    expect(event.version).toBe(2);
    expect(event.payload).toEqual({
      widgetId: 'w1',
      givenName: 'Ada',
      familyName: 'King Lovelace',
    });
  });

  it('passes a current-version event through unchanged', () => {
    const event = catalog.decode(WidgetRenamed.topic, Buffer.from(raw({})));
    expect(event.payload).toEqual({ widgetId: 'w1', givenName: 'Ada', familyName: 'Lovelace' });
  });

  it.each([
    ['malformed-json', WidgetRenamed.topic, '{not json'],
    ['invalid-envelope', WidgetRenamed.topic, raw({ id: 'not-a-uuid' })],
    ['invalid-envelope', WidgetRenamed.topic, raw({ secret: 'extra fields are refused' })],
    ['unknown-topic', 'test.nobody.listens', raw({})],
    ['type-mismatch', WidgetRenamed.topic, raw({ type: 'SomethingElse' })],
    ['unsupported-version', WidgetRenamed.topic, raw({ version: 3 })],
    ['invalid-payload', WidgetRenamed.topic, raw({ payload: { widgetId: 'w1' } })],
    [
      'invalid-payload',
      WidgetRenamed.topic,
      raw({ version: 1, payload: { widgetId: 1, name: 'x' } }),
    ],
  ])('rejects %s input without retry', (reason, topic, value) => {
    expect(reasonOf(() => catalog.decode(topic, value))).toBe(reason);
  });

  it('builds envelopes with fresh ids, the current version and a correlation id', () => {
    const payload = { widgetId: 'w1', givenName: 'Ada', familyName: 'Lovelace' };
    const a = catalog.envelope(WidgetRenamed, payload, { tenantId: 'acme', producer: 'spec' });
    const b = catalog.envelope(WidgetRenamed, payload, {
      tenantId: 'acme',
      producer: 'spec',
      correlationId: a.correlationId,
      causationId: a.id,
    });
    expect(a.version).toBe(2);
    expect(a.id).not.toEqual(b.id);
    expect(b.correlationId).toBe(a.correlationId);
    expect(b.causationId).toBe(a.id);
    expect(catalog.decode(WidgetRenamed.topic, JSON.stringify(b))).toEqual(b);
  });

  it('carries the actor when one is given, and decodes it; leaves it out otherwise', () => {
    const payload = { widgetId: 'w1', givenName: 'Ada', familyName: 'Lovelace' };
    const actor = { kind: 'operator', name: 'ada' } as const;
    const withActor = catalog.envelope(WidgetRenamed, payload, {
      tenantId: 'acme',
      producer: 'spec',
      actor,
    });
    expect(catalog.decode(WidgetRenamed.topic, JSON.stringify(withActor)).actor).toEqual(actor);
    const without = catalog.envelope(WidgetRenamed, payload, {
      tenantId: 'acme',
      producer: 'spec',
    });
    expect('actor' in without).toBe(false);
    const forged = { ...withActor, actor: { kind: 'root', name: 'x' } };
    expect(reasonOf(() => catalog.decode(WidgetRenamed.topic, JSON.stringify(forged)))).toBe(
      'invalid-envelope',
    );
  });

  it('refuses to build an envelope around an invalid payload', () => {
    expect(() =>
      catalog.envelope(WidgetRenamed, { widgetId: 'w1' } as never, {
        tenantId: 'a',
        producer: 's',
      }),
    ).toThrow(/invalid WidgetRenamed/);
  });

  it('refuses definitions that skip a version or lack an upcaster', () => {
    const schema = z.object({});
    expect(() =>
      defineEvent({
        type: 'X',
        topic: 'x',
        versions: [{ version: 2, schema }],
        partitionKey: () => 'k',
      }),
    ).toThrow(/1..n/);
    expect(() =>
      defineEvent({
        type: 'X',
        topic: 'x',
        versions: [
          { version: 1, schema },
          { version: 2, schema },
        ],
        partitionKey: () => 'k',
      }),
    ).toThrow(/upcaster/);
  });
});
