import { randomUUID } from 'node:crypto';
import { EventDecodeError } from './event-decode.error';
import { EventDefinition } from './event-definition';
import { EventActor } from '../envelope/event-actor.schema';
import { EventEnvelope, eventEnvelopeSchema } from '../envelope/event-envelope.schema';

export interface EnvelopeMeta {
  readonly tenantId: string;
  readonly correlationId?: string;
  readonly causationId?: string | null;
  readonly producer: string;
  readonly actor?: EventActor;
}

/**
 * The set of events a service knows. Decoding validates the envelope, lifts old payload versions
 * through their upcasters and validates the result, so handlers only ever see the current shape.
 */
export class EventCatalog {
  private readonly byTopic = new Map<string, EventDefinition>();

  constructor(definitions: readonly EventDefinition[]) {
    for (const def of definitions) {
      if (this.byTopic.has(def.topic)) throw new Error(`topic ${def.topic} is declared twice`);
      this.byTopic.set(def.topic, def as EventDefinition);
    }
  }

  topics(): string[] {
    return [...this.byTopic.keys()];
  }

  definitionFor(topic: string): EventDefinition | undefined {
    return this.byTopic.get(topic);
  }

  /** Builds a validated envelope for the current version of `def`. */
  envelope<P>(def: EventDefinition<string, P>, payload: P, meta: EnvelopeMeta): EventEnvelope<P> {
    const parsed = def.schema.safeParse(payload);
    if (!parsed.success) {
      throw new Error(`refusing to publish an invalid ${def.type}: ${parsed.error.message}`);
    }
    return {
      id: randomUUID(),
      type: def.type,
      version: def.version,
      tenantId: meta.tenantId,
      correlationId: meta.correlationId ?? randomUUID(),
      causationId: meta.causationId ?? null,
      occurredAt: new Date().toISOString(),
      producer: meta.producer,
      ...(meta.actor ? { actor: meta.actor } : {}),
      payload: parsed.data,
    };
  }

  decode(topic: string, raw: Buffer | string | null): EventEnvelope {
    const def = this.byTopic.get(topic);
    if (!def) throw new EventDecodeError('unknown-topic', `no event is declared on ${topic}`);
    let json: unknown;
    try {
      json = JSON.parse(raw === null ? '' : raw.toString());
    } catch (error) {
      throw new EventDecodeError('malformed-json', (error as Error).message);
    }
    const envelope = eventEnvelopeSchema.safeParse(json);
    if (!envelope.success) {
      throw new EventDecodeError(
        'invalid-envelope',
        envelope.error.issues.map(describe).join('; '),
      );
    }
    const { data } = envelope;
    if (data.type !== def.type) {
      throw new EventDecodeError('type-mismatch', `${topic} carries ${def.type}, got ${data.type}`);
    }
    return { ...data, version: def.version, payload: upcast(def, data.version, data.payload) };
  }
}

function upcast(def: EventDefinition, from: number, payload: unknown): unknown {
  if (from > def.version) {
    throw new EventDecodeError(
      'unsupported-version',
      `${def.type} v${from} is newer than this consumer (knows up to v${def.version})`,
    );
  }
  let current = payload;
  for (let v = from; v <= def.version; v++) {
    const step = def.versions[v - 1];
    if (v > from) current = (step.upcast as (p: unknown) => unknown)(current);
    const parsed = step.schema.safeParse(current);
    if (!parsed.success) {
      throw new EventDecodeError(
        'invalid-payload',
        `${def.type} v${v}: ${parsed.error.issues.map(describe).join('; ')}`,
      );
    }
    current = parsed.data;
  }
  return current;
}

function describe(issue: { path: (string | number)[]; message: string }): string {
  return `${issue.path.join('.') || '(root)'} ${issue.message}`;
}
