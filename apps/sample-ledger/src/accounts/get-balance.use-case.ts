import { TenantContext } from '@enclave/tenancy-sdk';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ACCOUNT_COLUMNS, AccountRow, AccountView, accountViewOf } from './account.view';

/** One account of the current tenant with its balance; 404 when the tenant has no such account. */
@Injectable()
export class GetBalanceUseCase {
  constructor(@Inject(TenantContext) private readonly tenant: TenantContext) {}

  async execute(alias: string): Promise<AccountView> {
    const db = await this.tenant.postgres();
    const { rows } = await db.query<AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts a JOIN balances b ON b.account_id = a.id
       WHERE a.alias = $1`,
      [alias],
    );
    if (rows.length === 0) throw new NotFoundException(`no account ${alias}`);
    return accountViewOf(rows[0]);
  }
}
