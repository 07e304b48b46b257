import { ProductManifest } from '@enclave/contracts';
import { exampleProducts } from '@enclave/product-catalog';
import { versionSuccessionProblem } from './version-succession';

const ledger = exampleProducts.get('ledger')!;

function next(change: (m: ProductManifest) => void): ProductManifest {
  const manifest = structuredClone(ledger);
  manifest.version = '1.1.0';
  change(manifest);
  return manifest;
}

describe('versionSuccessionProblem', () => {
  it('lets a version append migrations, collections, indexes, exchanges, queues and bindings', () => {
    const appended = next((m) => {
      m.resources.postgres!.migrations.push({ version: 11, name: 'more', sql: 'SELECT 1' });
      m.resources.mongodb!.collections.push({ name: 'more', indexes: [] });
      m.resources.mongodb!.collections[0].indexes.push({ name: 'x', key: { x: 1 }, unique: false });
      m.resources.rabbitmq!.exchanges.push({ name: 'more', type: 'fanout' });
      m.resources.rabbitmq!.queues.push({ name: 'more' });
      m.resources.rabbitmq!.bindings.push({ exchange: 'more', queue: 'more', routingKey: '' });
      m.resources.rabbitmq!.limits.maxQueues += 10;
    });
    expect(versionSuccessionProblem(ledger, appended)).toBeNull();
    expect(
      versionSuccessionProblem(
        ledger,
        next(() => undefined),
      ),
    ).toBeNull();
  });

  it.each([
    [
      'edits an applied migration',
      (m: ProductManifest) => {
        m.resources.postgres!.migrations[0].sql += ' ';
      },
      /migration 1-create-organizations of 1\.0\.0 is missing or changed/,
    ],
    [
      'renames an applied migration',
      (m: ProductManifest) => {
        m.resources.postgres!.migrations[1].name = 'renamed';
      },
      /migration 2-create-ledgers/,
    ],
    [
      'drops an applied migration',
      (m: ProductManifest) => {
        m.resources.postgres!.migrations.pop();
      },
      /migration 10-.* is missing or changed/,
    ],
    [
      'drops a resource',
      (m: ProductManifest) => {
        delete m.resources.mongodb;
      },
      /keeps the resources of 1\.0\.0 \(postgres, mongodb, rabbitmq\)/,
    ],
    [
      'drops a collection',
      (m: ProductManifest) => {
        m.resources.mongodb!.collections.pop();
      },
      /collection attachments of 1\.0\.0 is dropped/,
    ],
    [
      'changes an index',
      (m: ProductManifest) => {
        m.resources.mongodb!.collections[1].indexes[0].unique = true;
      },
      /index attachments\.by_transaction of 1\.0\.0 is dropped or changed/,
    ],
    [
      'changes an exchange type',
      (m: ProductManifest) => {
        m.resources.rabbitmq!.exchanges[0].type = 'fanout';
      },
      /exchange .* of 1\.0\.0 is dropped or changed/,
    ],
    [
      'changes a queue',
      (m: ProductManifest) => {
        delete m.resources.rabbitmq!.queues[0].deadLetterExchange;
      },
      /queue ledger\.transactions of 1\.0\.0 is dropped or changed/,
    ],
    [
      'moves its tenants to a shared vhost',
      (m: ProductManifest) => {
        m.resources.rabbitmq!.isolation = 'SHARED_VHOST';
      },
      /RabbitMQ isolation of 1\.0\.0 \(VHOST\) is kept; its tenants cannot move to SHARED_VHOST/,
    ],
  ])('refuses a version that %s', (_case, change, reason) => {
    expect(versionSuccessionProblem(ledger, next(change))).toMatch(reason);
  });
});
