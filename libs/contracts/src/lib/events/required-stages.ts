import { ResourceKind } from '../identifiers/resource-kind.schema';
import { Stage } from './service-event.fields';

/**
 * The stages a registration must pass before it is ready, from the resources its product needs:
 * credentials always; PostgreSQL brings its migrations along.
 */
export function requiredStages(resources: readonly ResourceKind[]): Stage[] {
  const stages: Stage[] = ['credentials'];
  if (resources.includes('postgres')) stages.push('postgres', 'migrations');
  if (resources.includes('mongodb')) stages.push('mongodb');
  if (resources.includes('rabbitmq')) stages.push('rabbitmq');
  return stages;
}
