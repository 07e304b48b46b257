export * from './lib/product-catalog';
export * from './lib/example-products';
export * from './lib/publish-example-products';
