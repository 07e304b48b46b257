export * from './lib/expect-eventually';
export * from './lib/test-infra';
export * from './lib/exercised-systems';
export * from './lib/test-database';
export * from './lib/service-process';
export * from './lib/kafka-probe';
export * from './lib/pg-client';
export * from './lib/port-slot';
