import { ProductManifests } from '@enclave/contracts';
import { exampleProducts } from './example-products';
import { ProductCatalog } from './product-catalog';
import { ledgerProduct } from './products/ledger/ledger.product';

describe('ProductCatalog', () => {
  it('ships two products that differ', () => {
    const ledger = exampleProducts.get('ledger')!;
    const tracer = exampleProducts.get('tracer')!;
    expect(ProductManifests.resourcesOf(ledger)).toEqual(['postgres', 'mongodb', 'rabbitmq']);
    expect(ProductManifests.resourcesOf(tracer)).toEqual(['postgres']);
    expect(ledger.defaultIsolationMode).toBe('SCHEMA');
    expect(tracer.defaultIsolationMode).toBe('DATABASE');
    expect(ProductManifests.schemaVersionOf(ledger)).toBe(10);
  });

  it('refuses a manifest whose migrations go backwards', () => {
    const broken = structuredClone(ledgerProduct);
    broken.resources.postgres.migrations[1].version = 1;
    expect(() => new ProductCatalog([broken])).toThrow(/strictly increase/);
  });

  it('refuses a manifest with no resources or an unsafe product name', () => {
    expect(() => new ProductCatalog([{ ...ledgerProduct, resources: {} }])).toThrow(
      /at least one resource/,
    );
    expect(() => new ProductCatalog([{ ...ledgerProduct, name: 'Ledger"; --' }])).toThrow();
  });

  it('refuses a binding or dead-letter exchange the topology does not declare', () => {
    const unbound = structuredClone(ledgerProduct);
    unbound.resources.rabbitmq.bindings[0].queue = 'nowhere';
    expect(() => new ProductCatalog([unbound])).toThrow(/does not declare/);
    const dlx = structuredClone(ledgerProduct);
    dlx.resources.rabbitmq.queues[0].deadLetterExchange = 'missing.dlx';
    expect(() => new ProductCatalog([dlx])).toThrow(/undeclared exchange missing\.dlx/);
  });

  it('refuses a version that is not major.minor.patch', () => {
    for (const version of ['1.0', '01.0.0', '1.0.0-beta', 'v1.0.0'])
      expect(() => new ProductCatalog([{ ...ledgerProduct, version }])).toThrow(
        /major.minor.patch/,
      );
  });
});
