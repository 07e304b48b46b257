import { TenantContext } from '@enclave/tenancy-sdk';
import { Inject, Injectable, NotFoundException, NotImplementedException } from '@nestjs/common';
import { Db } from 'mongodb';
import { SampleLedgerConfig } from '../config/sample-ledger.config';
import { SAMPLE_LEDGER_CONFIG } from '../config/sample-ledger-config.token';
import { LedgerProduct } from '../ledger/ledger-product';

export interface AccountMetadataDocument {
  readonly entityType: 'account';
  readonly entityId: string;
  readonly alias: string;
  readonly data: Record<string, unknown>;
  readonly updatedAt: Date;
}

/**
 * What metadata work needs from the current tenant: the account's id (PostgreSQL) and the
 * `metadata` collection of the tenant's own MongoDB database, both leased for the request.
 */
@Injectable()
export class AccountMetadataStore {
  private readonly enabled: boolean;

  constructor(
    @Inject(TenantContext) private readonly tenant: TenantContext,
    @Inject(SAMPLE_LEDGER_CONFIG) config: SampleLedgerConfig,
  ) {
    this.enabled = config.MULTI_TENANT_ENABLED || config.SINGLE_TENANT_MONGO_URL !== undefined;
  }

  async open(alias: string) {
    if (!this.enabled) {
      throw new NotImplementedException(
        'account metadata needs MongoDB: this single-tenant deployment has no SINGLE_TENANT_MONGO_URL',
      );
    }
    const [db, mongo] = await Promise.all([this.tenant.postgres(), this.tenant.mongodb()]);
    const { rows } = await db.query<{ id: string }>('SELECT id FROM accounts WHERE alias = $1', [
      alias,
    ]);
    if (rows.length === 0) throw new NotFoundException(`no account ${alias}`);
    return { accountId: rows[0].id, collection: this.collectionOf(mongo.db) };
  }

  private collectionOf(db: Db) {
    return db.collection<AccountMetadataDocument>(LedgerProduct.metadataCollection);
  }
}
