import { ProductCatalog, productCatalog } from './product-catalog';
import { ledgerProduct } from './products/ledger/ledger.product';

describe('ProductCatalog', () => {
  it('ships two products that differ', () => {
    const ledger = productCatalog.get('ledger')!;
    const tracer = productCatalog.get('tracer')!;
    expect(ProductCatalog.resourcesOf(ledger)).toEqual(['postgres', 'mongodb', 'rabbitmq']);
    expect(ProductCatalog.resourcesOf(tracer)).toEqual(['postgres']);
    expect(ledger.defaultIsolationMode).toBe('SCHEMA');
    expect(tracer.defaultIsolationMode).toBe('DATABASE');
    expect(ProductCatalog.schemaVersionOf(ledger)).toBe(10);
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
});
