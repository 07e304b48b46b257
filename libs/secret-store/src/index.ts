export * from './lib/secret-store';
