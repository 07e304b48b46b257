import { Logger } from '@nestjs/common';
import { Producer } from 'kafkajs';
import { Client, ClientConfig } from 'pg';
import { DataSource } from 'typeorm';
import { TopicNamer } from '../kafka/topic-namer';
import { outboxChannel } from '../persistence/messaging-schema';
import { rowsOf } from '../persistence/queryable';
import { quoteIdent } from '../persistence/sql-identifier';
import { traceHeaders } from '../tracing/event-trace';

export interface OutboxRelayOptions {
  readonly schema: string;
  /** A dedicated session for LISTEN and the leader lock (not from the pool). */
  readonly listenConnection: ClientConfig;
  readonly batchSize?: number;
  /** Safety-net poll, for notifications lost while the listener reconnects. */
  readonly pollIntervalMs?: number;
  readonly topics?: TopicNamer;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  envelope: string;
  trace_context: string | null;
}

/**
 * Publishes the outbox to Kafka in insertion order, then deletes what was acknowledged. One relay per
 * schema publishes at a time (a session-level advisory lock), so replicas never reorder a key's
 * events; a crash between send and delete only re-sends, and consumers drop the duplicate by id.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly table: string;
  private readonly topics: TopicNamer;
  private listener?: Client;
  private leader = false;
  private running = false;
  private draining?: Promise<void>;
  private drainRequested = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: Pick<Producer, 'sendBatch'>,
    private readonly options: OutboxRelayOptions,
  ) {
    this.table = `${quoteIdent(options.schema)}.outbox`;
    this.topics = options.topics ?? new TopicNamer();
  }

  async start(): Promise<void> {
    this.running = true;
    await this.connectListener();
    void this.drain();
    this.schedule();
  }

  /** Stops polling, finishes the batch in flight and flushes what is left while still leader. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.draining;
    if (this.leader) await this.drainLoop();
    const listener = this.listener;
    this.listener = undefined;
    this.leader = false;
    await listener?.end().catch(() => undefined);
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** Publishes everything pending now (also what a notification triggers). */
  drain(): Promise<void> {
    if (this.draining) {
      this.drainRequested = true;
      return this.draining;
    }
    this.draining = this.drainLoop().finally(() => {
      this.draining = undefined;
      if (this.drainRequested && this.running) {
        this.drainRequested = false;
        void this.drain();
      }
    });
    return this.draining;
  }

  private async drainLoop(): Promise<void> {
    if (!this.leader && !(await this.tryLead())) return;
    const batchSize = this.options.batchSize ?? 500;
    try {
      for (;;) {
        const rows = rowsOf<OutboxRow>(
          await this.dataSource.query(
            `SELECT id, topic, message_key, envelope, trace_context FROM ${this.table} ORDER BY id LIMIT $1`,
            [batchSize],
          ),
        );
        if (rows.length === 0) return;
        await this.producer.sendBatch({
          topicMessages: groupByTopic(rows, this.topics),
        });
        await this.dataSource.query(`DELETE FROM ${this.table} WHERE id = ANY($1::bigint[])`, [
          rows.map((r) => r.id),
        ]);
        if (rows.length < batchSize) return;
      }
    } catch (error) {
      this.logger.warn(`outbox relay will retry: ${(error as Error).message}`);
    }
  }

  private async tryLead(): Promise<boolean> {
    if (!this.running) return false;
    if (!this.listener) await this.connectListener();
    if (!this.listener) return false;
    try {
      const { rows } = await this.listener.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
        [`enclave.outbox.${this.options.schema}`],
      );
      this.leader = rows[0].locked;
    } catch {
      this.leader = false;
    }
    return this.leader;
  }

  private async connectListener(): Promise<void> {
    const client = new Client({
      ...this.options.listenConnection,
      application_name: 'outbox-relay',
    });
    client.on('notification', () => void this.drain());
    client.on('error', (error) => {
      // The session (and with it the leader lock) is gone; another relay may lead now.
      this.logger.warn(`outbox listener lost: ${error.message}`);
      this.leader = false;
      if (this.listener === client) this.listener = undefined;
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(outboxChannel(this.options.schema))}`);
      this.listener = client;
    } catch (error) {
      this.logger.warn(`outbox listener cannot connect yet: ${(error as Error).message}`);
      await client.end().catch(() => undefined);
    }
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.drain().finally(() => this.schedule());
    }, this.options.pollIntervalMs ?? 1_000);
  }
}

function groupByTopic(rows: OutboxRow[], topics: TopicNamer) {
  const byTopic = new Map<
    string,
    { key: string; value: string; headers?: Record<string, string> }[]
  >();
  for (const row of rows) {
    const topic = topics.physical(row.topic);
    const messages = byTopic.get(topic) ?? [];
    messages.push({
      key: row.message_key,
      value: row.envelope,
      headers: traceHeaders(row.trace_context),
    });
    byTopic.set(topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
