/**
 * Logical topics (the contracts' names) map to physical Kafka topics through an optional prefix, so
 * several environments, or test runs, share one cluster without reading each other's events.
 */
export class TopicNamer {
  constructor(readonly prefix = '') {}

  physical(logical: string): string {
    return `${this.prefix}${logical}`;
  }

  logical(physical: string): string {
    return physical.startsWith(this.prefix) ? physical.slice(this.prefix.length) : physical;
  }
}
