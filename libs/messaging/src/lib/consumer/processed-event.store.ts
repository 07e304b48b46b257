import { Queryable, rowsOf } from '../persistence/queryable';
import { quoteIdent } from '../persistence/sql-identifier';

/**
 * The durable "seen it" ledger of a consumer group. Claiming happens inside the handler's transaction,
 * so an event counts as processed exactly when its effects commit.
 */
export class ProcessedEventStore {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `${quoteIdent(schema)}.processed_event`;
  }

  /** True when this group had not processed the event before (the caller now owns it). */
  async claim(tx: Queryable, group: string, eventId: string, topic: string): Promise<boolean> {
    const rows = rowsOf(
      await tx.query(
        `INSERT INTO ${this.table} (consumer_group, event_id, topic) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [group, eventId, topic],
      ),
    );
    return rows.length === 1;
  }
}
