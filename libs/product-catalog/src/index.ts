export * from './lib/product-manifest.schema';
export * from './lib/product-catalog';
