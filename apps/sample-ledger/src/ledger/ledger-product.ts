/**
 * The platform product this app is, and the names it uses from the product's manifest
 * (libs/product-catalog, `ledger`): the platform created these in every tenant's vhost.
 */
export const LedgerProduct = {
  name: 'ledger',
  eventsExchange: 'ledger.events',
  /** Routed to the tenant's `ledger.transactions` queue (binding `transaction.*`). */
  transactionCreatedRoutingKey: 'transaction.created',
  metadataCollection: 'metadata',
} as const;
