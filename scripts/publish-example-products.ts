// Publishes the example products (ledger, tracer) to a running registry, so a fresh platform has
// products to register. Run by `npm start`; safe to repeat.
// Usage: REGISTRY_URL=http://127.0.0.1:7100 ADMIN_API_TOKEN=… node -r @swc-node/register scripts/publish-example-products.ts
import { publishExampleProducts } from '@enclave/product-catalog';

const registry = process.env['REGISTRY_URL'] ?? 'http://127.0.0.1:7100';
const token = process.env['ADMIN_API_TOKEN'];
if (!token) throw new Error('ADMIN_API_TOKEN is not set');

publishExampleProducts(registry, token).then(
  (published) => {
    for (const p of published)
      console.log(
        `  ${p.product} ${p.version}: ${p.status === 201 ? 'published' : 'already published'}`,
      );
  },
  (error: unknown) => {
    console.error(String(error));
    process.exit(1);
  },
);
