import { startTracing } from '@enclave/tracing';

// Imported first by main.ts: instrumentations patch pg, mongodb, amqplib and http as they load.
startTracing('credential-service');
