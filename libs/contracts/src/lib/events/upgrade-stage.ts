import { z } from 'zod';
import type { ResourceKind } from '../identifiers/resource-kind.schema';

/** The stages that have something to bring forward when a product version changes. */
export const upgradeStageSchema = z.enum(['migrations', 'mongodb', 'rabbitmq']);

export type UpgradeStage = z.infer<typeof upgradeStageSchema>;

/** Which stages a registration with these resources waits for in an upgrade. */
export function upgradeStages(resources: readonly ResourceKind[]): UpgradeStage[] {
  const stages: UpgradeStage[] = [];
  if (resources.includes('postgres')) stages.push('migrations');
  if (resources.includes('mongodb')) stages.push('mongodb');
  if (resources.includes('rabbitmq')) stages.push('rabbitmq');
  return stages;
}
