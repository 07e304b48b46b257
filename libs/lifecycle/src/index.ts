export * from './lib/run-stage';
export * from './lib/permanent.error';
export * from './lib/read-tenant-credential';
export * from './lib/release-stage';
export * from './lib/resource-stage';
