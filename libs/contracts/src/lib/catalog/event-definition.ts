import { z } from 'zod';
import { EventEnvelope } from '../envelope/event-envelope.schema';

/** One version of an event's payload; every version after the first says how to lift its predecessor. */
export interface EventVersion<TSchema extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly version: number;
  readonly schema: TSchema;
  /** Turns a payload of `version - 1` (already validated) into this version's shape. */
  readonly upcast?: (previous: never) => unknown;
}

type LastOf<V extends readonly EventVersion[]> = V extends readonly [...unknown[], infer L]
  ? L extends EventVersion
    ? L
    : never
  : never;

export interface EventDefinition<TType extends string = string, TPayload = unknown> {
  readonly type: TType;
  readonly topic: string;
  /** The version producers write today. */
  readonly version: number;
  readonly versions: readonly EventVersion[];
  readonly schema: z.ZodType<TPayload, z.ZodTypeDef, unknown>;
  /** Kafka message key: events with the same key stay in order (one partition). */
  partitionKey(payload: TPayload): string;
}

export type PayloadOf<D> = D extends EventDefinition<string, infer P> ? P : never;

/**
 * Declares an event type: its topic, every payload version it ever had (never edited, only appended)
 * and the partition key that keeps one aggregate's events ordered.
 */
export function defineEvent<
  const TType extends string,
  const V extends readonly [EventVersion, ...EventVersion[]],
>(spec: {
  type: TType;
  topic: string;
  versions: V;
  partitionKey: (payload: z.output<LastOf<V>['schema']>) => string;
}): EventDefinition<TType, z.output<LastOf<V>['schema']>> {
  spec.versions.forEach((v, index) => {
    if (v.version !== index + 1) {
      throw new Error(
        `${spec.type}: versions must be 1..n in order, found ${v.version} at ${index}`,
      );
    }
    if (index > 0 && !v.upcast) {
      throw new Error(`${spec.type}: version ${v.version} needs an upcaster from ${v.version - 1}`);
    }
  });
  const latest = spec.versions[spec.versions.length - 1];
  return {
    type: spec.type,
    topic: spec.topic,
    version: latest.version,
    versions: spec.versions,
    schema: latest.schema,
    partitionKey: spec.partitionKey,
  };
}

/** The envelope a handler of event definition `D` receives: `EventOf<typeof ServiceRegistered>`. */
export type EventOf<D> = EventEnvelope<PayloadOf<D>>;
