/** An account as the API shows it; amounts are strings (numeric(38,0) exceeds JS numbers). */
export interface AccountView {
  readonly id: string;
  readonly alias: string;
  readonly assetCode: string;
  readonly available: string;
  readonly version: number;
}

export interface AccountRow {
  readonly id: string;
  readonly alias: string;
  readonly asset_code: string;
  readonly available: string;
  readonly version: string;
}

export const ACCOUNT_COLUMNS =
  'a.id, a.alias, a.asset_code, b.available::text AS available, b.version::text AS version';

export function accountViewOf(row: AccountRow): AccountView {
  return {
    id: row.id,
    alias: row.alias,
    assetCode: row.asset_code,
    available: row.available,
    version: Number(row.version),
  };
}
