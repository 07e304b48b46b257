import { Injectable } from '@nestjs/common';
import { AccountMetadataStore } from './account-metadata.store';
import { AccountMetadataView } from './account-metadata.view';

/** An account's metadata from the tenant's MongoDB database (empty when never set). */
@Injectable()
export class GetAccountMetadataUseCase {
  constructor(private readonly store: AccountMetadataStore) {}

  async execute(alias: string): Promise<AccountMetadataView> {
    const { accountId, collection } = await this.store.open(alias);
    const document = await collection.findOne({ entityType: 'account', entityId: accountId });
    return {
      alias,
      metadata: document?.data ?? {},
      updatedAt: document?.updatedAt?.toISOString() ?? null,
    };
  }
}
