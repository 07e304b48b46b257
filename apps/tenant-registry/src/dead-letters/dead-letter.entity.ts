import type { EventActor } from '@enclave/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DeadLetterStatus } from './dead-letter-status';

/** One event a consumer group gave up on, as read from `<topic>.dlq`, and what became of it. */
@Entity({ name: 'dead_letter' })
export class DeadLetterEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Arrival order here: the list's cursor. */
  @Column({ type: 'bigint', insert: false, update: false })
  seq!: string;

  /** Logical topic (no environment prefix) the event was consumed from, and where in it. */
  @Column({ name: 'source_topic', type: 'text' })
  sourceTopic!: string;

  @Column({ name: 'source_partition', type: 'int' })
  sourcePartition!: number;

  @Column({ name: 'source_offset', type: 'text' })
  sourceOffset!: string;

  @Column({ name: 'consumer_group', type: 'text' })
  consumerGroup!: string;

  /** From the envelope; null when the message was not even an envelope. */
  @Column({ name: 'event_id', type: 'uuid', nullable: true })
  eventId!: string | null;

  @Column({ name: 'event_type', type: 'text', nullable: true })
  eventType!: string | null;

  @Column({ name: 'tenant_id', type: 'text', nullable: true })
  tenantId!: string | null;

  @Column({ name: 'error_name', type: 'text' })
  errorName!: string;

  /** Why the consumer gave up (credentials in URLs already masked by the publisher). */
  @Column({ type: 'text' })
  cause!: string;

  @Column({ type: 'int' })
  attempts!: number;

  @Column({ name: 'failed_at', type: 'timestamptz' })
  failedAt!: Date;

  /** The original message, byte for byte, so a replay is the very event that failed. */
  @Column({ name: 'message_key', type: 'bytea', nullable: true })
  messageKey!: Buffer | null;

  @Column({ name: 'message_value', type: 'bytea', nullable: true })
  messageValue!: Buffer | null;

  /** The original message's own headers (trace context…), without the dead-letter ones. */
  @Column({ type: 'jsonb' })
  headers!: Record<string, string>;

  @Column({ type: 'text' })
  status!: DeadLetterStatus;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  /** Who replayed or discarded it. */
  @Column({ name: 'resolved_by', type: 'jsonb', nullable: true })
  resolvedBy!: EventActor | null;

  @Column({ name: 'resolution_reason', type: 'text', nullable: true })
  resolutionReason!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz', insert: false, update: false })
  receivedAt!: Date;
}
