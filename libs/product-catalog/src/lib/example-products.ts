import { ProductCatalog } from './product-catalog';
import { ledgerProduct } from './products/ledger/ledger.product';
import { tracerProduct } from './products/tracer/tracer.product';

/**
 * The example products `npm start` publishes on a fresh platform, and the tests' fixtures. No
 * platform app reads them: stages learn manifests from ProductVersionPublished.
 */
export const exampleProducts = new ProductCatalog([ledgerProduct, tracerProduct]);
