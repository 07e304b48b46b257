import { startTracing } from '@enclave/tracing';

// Imported first by main.ts: the console's calls to the registry join the operator's traces.
startTracing('operator-console');
