import { TenantContext } from '@enclave/tenancy-sdk';
import { Inject, Injectable, Logger, UnprocessableEntityException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DefaultLedger } from '../ledger/default-ledger';
import { inTransaction } from '../ledger/in-transaction';
import { PostTransactionDto } from './post-transaction.dto';
import {
  TransactionCreatedMessage,
  TransactionEventsPublisher,
} from './transaction-events.publisher';

export interface PostedTransaction extends TransactionCreatedMessage {
  /** Whether `transaction.created` reached the tenant's exchange (confirmed by the broker). */
  readonly published: boolean;
}

const NUMERIC_OVERFLOW = '22003';

/**
 * Double entry in the current tenant's database: the transaction, its entries and every balance
 * change commit together or not at all; then `transaction.created` goes to the tenant's vhost.
 */
@Injectable()
export class PostTransactionUseCase {
  private readonly logger = new Logger(PostTransactionUseCase.name);

  constructor(
    @Inject(TenantContext) private readonly tenant: TenantContext,
    private readonly events: TransactionEventsPublisher,
  ) {}

  async execute({ description, entries }: PostTransactionDto): Promise<PostedTransaction> {
    // Every lease the request needs, taken up front: a tenant suspended (or rotated) while the
    // request runs must not fail it half-way, after the commit. Leases out finish on the old
    // connections; only requests that start later are refused.
    const [db, sink] = await Promise.all([this.tenant.postgres(), this.events.open()]);
    const id = randomUUID();
    const aliases = entries.map((e) => e.accountAlias);
    const createdAt = await inTransaction(db, async () => {
      const { rows: accounts } = await db.query<{ id: string; alias: string; asset_code: string }>(
        'SELECT id, alias, asset_code FROM accounts WHERE alias = ANY($1::text[])',
        [aliases],
      );
      const byAlias = new Map(accounts.map((a) => [a.alias, a]));
      const missing = aliases.filter((alias) => !byAlias.has(alias));
      if (missing.length > 0) {
        throw new UnprocessableEntityException(`unknown account(s): ${missing.join(', ')}`);
      }
      const assets = new Set(accounts.map((a) => a.asset_code));
      if (assets.size > 1) {
        throw new UnprocessableEntityException(
          `entries mix assets (${[...assets].sort().join(', ')}): one asset per transaction`,
        );
      }
      const accountIds = entries.map((e) => byAlias.get(e.accountAlias)!.id);
      const amounts = entries.map((e) => e.amount.toString());
      // Balance rows locked in one global order (by id), so two transactions over the same
      // accounts queue up instead of deadlocking.
      await db.query(
        'SELECT 1 FROM balances WHERE account_id = ANY($1::uuid[]) ORDER BY account_id FOR UPDATE',
        [accountIds],
      );
      const {
        rows: [transaction],
      } = await db.query<{ created_at: Date }>(
        'INSERT INTO transactions (id, ledger_id, description) VALUES ($1, $2, $3) RETURNING created_at',
        [id, DefaultLedger.ledgerId, description],
      );
      await db.query(
        `INSERT INTO entries (transaction_id, account_id, amount)
         SELECT $1, e.account_id, e.amount FROM unnest($2::uuid[], $3::numeric[]) AS e (account_id, amount)`,
        [id, accountIds, amounts],
      );
      await db.query(
        `UPDATE balances b SET available = b.available + e.amount, version = b.version + 1
         FROM unnest($1::uuid[], $2::numeric[]) AS e (account_id, amount)
         WHERE b.account_id = e.account_id`,
        [accountIds, amounts],
      );
      return transaction.created_at;
    }).catch((error: { code?: string }) => {
      if (error?.code === NUMERIC_OVERFLOW) {
        throw new UnprocessableEntityException('a balance would exceed 38 digits');
      }
      throw error;
    });

    const message: TransactionCreatedMessage = {
      id,
      type: 'transaction.created',
      tenantId: this.tenant.tenantId,
      description,
      entries: entries.map((e) => ({ accountAlias: e.accountAlias, amount: e.amount.toString() })),
      createdAt: createdAt.toISOString(),
    };
    // After the commit, so no event announces a transaction that rolled back. A lost publish is
    // reported, not retried: a production ledger would write the event to an outbox in the same
    // transaction, as the platform's own services do.
    const published = sink
      ? await sink.publish(message).then(
          () => true,
          (error: Error) => {
            this.logger.warn({ transactionId: id, error: error.message }, 'event not published');
            return false;
          },
        )
      : false;
    this.logger.log(
      { transactionId: id, entries: entries.length, published },
      'transaction posted',
    );
    return { ...message, published };
  }
}
