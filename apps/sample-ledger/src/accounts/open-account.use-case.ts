import { TenantContext } from '@enclave/tenancy-sdk';
import { ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DefaultLedger } from '../ledger/default-ledger';
import { inTransaction } from '../ledger/in-transaction';
import { AccountView } from './account.view';
import { OpenAccountDto } from './open-account.dto';

/**
 * Opens an account and its zero balance in the current tenant's database (its schema or its own
 * database: the SDK's connection decides, the SQL is the same), creating the tenant's organization,
 * ledger and the asset on first use.
 */
@Injectable()
export class OpenAccountUseCase {
  private readonly logger = new Logger(OpenAccountUseCase.name);

  constructor(@Inject(TenantContext) private readonly tenant: TenantContext) {}

  async execute({ alias, assetCode, scale }: OpenAccountDto): Promise<AccountView> {
    const db = await this.tenant.postgres();
    const id = randomUUID();
    await inTransaction(db, async () => {
      const ledgerId = await DefaultLedger.ensure(db);
      await db.query(
        'INSERT INTO assets (code, scale) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING',
        [assetCode, scale],
      );
      const inserted = await db.query(
        `INSERT INTO accounts (id, ledger_id, asset_code, alias) VALUES ($1, $2, $3, $4)
         ON CONFLICT (alias) DO NOTHING`,
        [id, ledgerId, assetCode, alias],
      );
      if (inserted.rowCount === 0) throw new ConflictException(`account ${alias} already exists`);
      await db.query('INSERT INTO balances (account_id) VALUES ($1)', [id]);
    });
    this.logger.log({ accountId: id, alias, assetCode }, 'account opened');
    return { id, alias, assetCode, available: '0', version: 0 };
  }
}
