import { TenantContext } from '@enclave/tenancy-sdk';
import { Inject, Injectable } from '@nestjs/common';
import { ACCOUNT_COLUMNS, AccountRow, AccountView, accountViewOf } from './account.view';

const MAX_ACCOUNTS = 1_000;

/** The current tenant's accounts with their balances, by alias. */
@Injectable()
export class ListAccountsUseCase {
  constructor(@Inject(TenantContext) private readonly tenant: TenantContext) {}

  async execute(): Promise<AccountView[]> {
    const db = await this.tenant.postgres();
    const { rows } = await db.query<AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts a JOIN balances b ON b.account_id = a.id
       ORDER BY a.alias LIMIT ${MAX_ACCOUNTS}`,
    );
    return rows.map(accountViewOf);
  }
}
