export * from './lib/start-tracing';
export * from './lib/secret-masking.span-processor';
