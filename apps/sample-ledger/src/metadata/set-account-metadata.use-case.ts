import { Injectable } from '@nestjs/common';
import { MongoServerError } from 'mongodb';
import { AccountMetadataStore } from './account-metadata.store';
import { AccountMetadataView } from './account-metadata.view';

const DUPLICATE_KEY = 11000;

/** Replaces an account's metadata in the tenant's MongoDB database (one document per account). */
@Injectable()
export class SetAccountMetadataUseCase {
  constructor(private readonly store: AccountMetadataStore) {}

  async execute(alias: string, data: Record<string, unknown>): Promise<AccountMetadataView> {
    const { accountId, collection } = await this.store.open(alias);
    const updatedAt = new Date();
    const upsert = () =>
      collection.updateOne(
        { entityType: 'account', entityId: accountId },
        { $set: { alias, data, updatedAt } },
        { upsert: true },
      );
    // Two first writes racing: one inserts, the other hits the unique index and, retried, updates.
    await upsert().catch((error: unknown) => {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return upsert();
      throw error;
    });
    return { alias, metadata: data, updatedAt: updatedAt.toISOString() };
  }
}
