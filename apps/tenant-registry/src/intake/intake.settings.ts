/** How the intake reads its topics, from the registry's configuration. */
export interface IntakeSettings {
  /** The largest request, in bytes: API_BODY_LIMIT, the admin API's own limit. */
  readonly maxBytes: number;
  /** KAFKA_TOPIC_PARTITIONS, for the intake topics created when missing. */
  readonly topicPartitions: number;
  /** KAFKA_CONSUMER_CONCURRENCY. */
  readonly concurrency: number;
}

export const INTAKE_SETTINGS = Symbol('INTAKE_SETTINGS');

/** `16kb`, `1mb` (API_BODY_LIMIT's format) in bytes, as the admin API's body parser reads them. */
export function bytesOf(limit: string): number {
  const match = /^(\d+)(kb|mb)$/.exec(limit);
  if (!match) throw new Error(`not a size: ${limit}`);
  return Number(match[1]) * (match[2] === 'kb' ? 1024 : 1024 * 1024);
}
