export * from './lib/run-stage';
export * from './lib/permanent.error';
