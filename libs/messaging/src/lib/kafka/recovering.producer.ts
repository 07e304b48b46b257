import { Logger } from '@nestjs/common';
import { Producer, ProducerBatch, ProducerRecord, RecordMetadata } from 'kafkajs';

/**
 * Broker answers meaning the broker and this producer no longer agree on the producer's id, epoch
 * or sequence numbers. The Java client bumps its epoch and carries on; kafkajs has no such recovery
 * and fails every later send the same way (kafkajs #598).
 */
const LOST_PRODUCER_STATE = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
]);

interface Slot {
  readonly producer: Producer;
  connected?: Promise<void>;
}

/**
 * An idempotent kafkajs producer that survives a broker crash. kafkajs rolls a failed batch's
 * sequence numbers back even when the broker had written it, so the next batch repeats numbers the
 * broker has seen and the producer is stuck for good. On that answer this swaps in a new producer
 * (new producer id, sequences from 0) and rethrows. The caller sends again; consumers drop a
 * message repeated this way by its event id.
 */
export class RecoveringProducer {
  private readonly logger = new Logger(RecoveringProducer.name);
  private slot: Slot;
  private open = false;

  constructor(private readonly create: () => Producer) {
    this.slot = { producer: create() };
  }

  async connect(): Promise<void> {
    this.open = true;
    await this.connected(this.slot);
  }

  async disconnect(): Promise<void> {
    this.open = false;
    await this.slot.producer.disconnect();
  }

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.using((producer) => producer.send(record));
  }

  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    return this.using((producer) => producer.sendBatch(batch));
  }

  private async using(send: (producer: Producer) => Promise<RecordMetadata[]>) {
    if (!this.open) throw new Error('the producer is not connected');
    const slot = this.slot;
    await this.connected(slot);
    try {
      return await send(slot.producer);
    } catch (error) {
      if (lostProducerState(error) && this.slot === slot) this.replace(slot, error as Error);
      throw error;
    }
  }

  /** A replacement connects on its first send; a failed connect is tried again on the next one. */
  private connected(slot: Slot): Promise<void> {
    slot.connected ??= slot.producer.connect().catch((error: unknown) => {
      slot.connected = undefined;
      throw error;
    });
    return slot.connected;
  }

  private replace(stale: Slot, cause: Error): void {
    this.slot = { producer: this.create() };
    this.logger.warn(
      { reason: cause.message },
      'the broker and this producer are out of step; using a new one',
    );
    void stale.producer.disconnect().catch(() => undefined);
  }
}

function lostProducerState(error: unknown): boolean {
  // kafkajs wraps the broker's answer (KafkaJSProtocolError, with its `type`) in `cause`.
  let e = error as { type?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth++, e = e.cause as typeof e) {
    if (typeof e.type === 'string' && LOST_PRODUCER_STATE.has(e.type)) return true;
  }
  return false;
}
