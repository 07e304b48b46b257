import { EventDefinition, platformEventCatalog } from '@enclave/contracts';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { unicodeText } from './unicode-text.arbitrary';

/** How a generated event is malformed. */
export type Malformation =
  | 'garbage-bytes'
  | 'invalid-json'
  | 'not-an-envelope'
  | 'broken-envelope'
  | 'invalid-payload'
  | 'newer-version'
  | 'wrong-type'
  | 'huge';

export interface MalformedEvent {
  readonly malformation: Malformation;
  readonly value: Buffer;
  /** Headers with any text (NUL and lone surrogates too): a dead letter keeps them. */
  readonly headers: Record<string, Buffer>;
}

const ENVELOPE_FIELDS = [
  'id',
  'type',
  'version',
  'tenantId',
  'correlationId',
  'causationId',
  'occurredAt',
  'producer',
] as const;

/** A well-formed envelope of `def` around `payload`, as a producer of the platform would write it. */
function envelopeOf(def: EventDefinition, payload: unknown, tenantId: string) {
  return {
    id: randomUUID(),
    type: def.type,
    version: def.version,
    tenantId,
    correlationId: randomUUID(),
    causationId: null,
    occurredAt: new Date().toISOString(),
    producer: 'fuzz',
    payload,
  };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

/** A payload the event's current schema refuses: any JSON, or an object of random fields. */
function invalidPayload(def: EventDefinition): fc.Arbitrary<unknown> {
  return fc
    .oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.dictionary(unicodeText(12), fc.oneof(unicodeText(40), fc.integer(), fc.constant(null)), {
        maxKeys: 6,
      }),
      fc.constant({}),
    )
    .filter((payload) => !def.schema.safeParse(payload).success);
}

/**
 * Events the consumers of `topic` must dead-letter: bytes that are no JSON, JSON that is no
 * envelope, an envelope with one field broken, the right envelope around a payload the schema
 * refuses, a version newer than any consumer knows, another event's type, and payloads of
 * hundreds of kilobytes (within the broker's 1 MB message size). Every one is checked against the
 * platform's own decoder before it is sent, so none can be a valid event by chance.
 */
export function malformedEvents(topic: string, tenantId: string): fc.Arbitrary<MalformedEvent> {
  const def = platformEventCatalog.definitionFor(topic);
  if (!def) throw new Error(`no event is declared on ${topic}`);
  const otherTypes = platformEventCatalog
    .topics()
    .map((t) => platformEventCatalog.definitionFor(t)!.type)
    .filter((type) => type !== def.type);

  const kinds: fc.Arbitrary<[Malformation, Buffer]>[] = [
    fc
      .uint8Array({ minLength: 0, maxLength: 2_000 })
      .map((bytes) => ['garbage-bytes', Buffer.from(bytes)]),
    unicodeText(300).map((text) => ['invalid-json', Buffer.from(text, 'utf8')]),
    fc
      .jsonValue({ maxDepth: 3 })
      .map((value) => ['not-an-envelope', json(value)] as [Malformation, Buffer]),
    fc
      .tuple(
        invalidPayload(def),
        fc.constantFrom(...ENVELOPE_FIELDS),
        fc.oneof(fc.jsonValue({ maxDepth: 1 }), unicodeText(150), fc.constant(undefined)),
        fc.option(fc.tuple(unicodeText(10), fc.jsonValue({ maxDepth: 1 }))),
      )
      .map(([payload, field, broken, extra]) => {
        const envelope: Record<string, unknown> = envelopeOf(def, payload, tenantId);
        if (broken === undefined) delete envelope[field];
        else envelope[field] = broken;
        if (extra) envelope[extra[0]] = extra[1];
        return ['broken-envelope', json(envelope)];
      }),
    fc
      .tuple(invalidPayload(def), fc.oneof(fc.constant(tenantId), unicodeText(40)))
      .map(([payload, tenant]) => [
        'invalid-payload',
        json(envelopeOf(def, payload, tenant || 'x')),
      ]),
    fc
      .tuple(fc.integer({ min: def.version + 1, max: 2 ** 31 }), fc.jsonValue({ maxDepth: 2 }))
      .map(([version, payload]) => [
        'newer-version',
        json({ ...envelopeOf(def, payload, tenantId), version }),
      ]),
    fc
      .tuple(
        fc.oneof(
          fc.constantFrom(...otherTypes),
          unicodeText(120).filter((t) => t.length > 0),
        ),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .filter(([type]) => type !== def.type)
      .map(([type, payload]) => [
        'wrong-type',
        json({ ...envelopeOf(def, payload, tenantId), type }),
      ]),
  ];
  const huge: fc.Arbitrary<[Malformation, Buffer]> = fc
    .tuple(fc.integer({ min: 100, max: 600 }), fc.constantFrom('x', 'é', '\u0000', '😀'))
    .map(([kib, unit]) => {
      const blob = unit.repeat(Math.floor((kib * 1024) / Buffer.byteLength(JSON.stringify(unit))));
      return ['huge', json(envelopeOf(def, { blob }, tenantId))];
    });

  const headers = fc
    .dictionary(
      fc.oneof(fc.constantFrom('x-fuzz', 'traceparent', 'x-replay-of'), unicodeText(15)),
      unicodeText(80).map((text) => Buffer.from(text, 'utf8')),
      { maxKeys: 3 },
    )
    // A replay header would route the event to one group only: not what is fuzzed here.
    .map((h) => {
      delete h['x-replay-for-group'];
      for (const name of Object.keys(h)) if (name.startsWith('x-dlq-')) delete h[name];
      return h;
    });

  return fc
    .tuple(
      fc.oneof({ weight: 40, arbitrary: fc.oneof(...kinds) }, { weight: 1, arbitrary: huge }),
      headers,
    )
    .filter(([[, value]]) => refused(topic, value))
    .map(([[malformation, value], h]) => ({ malformation, value, headers: h }));
}

/** Whether the platform's own decoder refuses the bytes, as every consumer of the topic does first. */
function refused(topic: string, value: Buffer): boolean {
  try {
    platformEventCatalog.decode(topic, value);
    return false;
  } catch {
    return true;
  }
}

/** One huge event, so that even a small run sends one to every topic. */
export function hugeEvent(topic: string, tenantId: string): MalformedEvent {
  const def = platformEventCatalog.definitionFor(topic)!;
  const blob = 'é'.repeat(150 * 1024);
  return { malformation: 'huge', value: json(envelopeOf(def, { blob }, tenantId)), headers: {} };
}
