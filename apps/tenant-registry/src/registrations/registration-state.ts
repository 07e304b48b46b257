import type { ServiceState } from '@enclave/contracts';

/**
 * A registration's state as the registry shows it: the aggregator's status until an operator
 * offboards it. Then `deprovisioning`, until the aggregator says every stage released it, and
 * `deleted`, which is kept: it is the audit trail, and the reason the product is not registered
 * again under the same names.
 */
export type RegistrationState = ServiceState | 'deprovisioning' | 'deleted';
