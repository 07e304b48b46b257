import { ProductManifest, ProductManifests } from '@enclave/contracts';

/**
 * Why `next` cannot follow `previous` as a product's next version, or null when it can. Tenants at
 * `previous` applied its migrations and hold its resources, so a new version keeps both: it may
 * append migrations, collections, indexes and topology, never edit or drop what was applied.
 */
export function versionSuccessionProblem(
  previous: ProductManifest,
  next: ProductManifest,
): string | null {
  const resources = ProductManifests.resourcesOf(previous).join(', ');
  if (ProductManifests.resourcesOf(next).join(', ') !== resources) {
    return `a new version keeps the resources of ${previous.version} (${resources}); adding or dropping one is not supported`;
  }
  const applied = previous.resources.postgres?.migrations ?? [];
  const declared = next.resources.postgres?.migrations ?? [];
  for (const [i, migration] of applied.entries()) {
    const same = declared[i];
    if (
      !same ||
      same.version !== migration.version ||
      same.name !== migration.name ||
      ProductManifests.migrationChecksum(same) !== ProductManifests.migrationChecksum(migration)
    ) {
      return `migration ${migration.version}-${migration.name} of ${previous.version} is missing or changed; applied migrations never change, new ones are appended`;
    }
  }
  const collections = new Map(
    (next.resources.mongodb?.collections ?? []).map((c) => [c.name, c] as const),
  );
  for (const collection of previous.resources.mongodb?.collections ?? []) {
    const kept = collections.get(collection.name);
    if (!kept) return `MongoDB collection ${collection.name} of ${previous.version} is dropped`;
    for (const index of collection.indexes) {
      const same = kept.indexes.find((i) => i.name === index.name);
      if (!same || JSON.stringify(same) !== JSON.stringify(index)) {
        return `MongoDB index ${collection.name}.${index.name} of ${previous.version} is dropped or changed`;
      }
    }
  }
  const topology = next.resources.rabbitmq;
  const level = (m: ProductManifest) => m.resources.rabbitmq?.isolation ?? 'VHOST';
  if (previous.resources.rabbitmq && level(next) !== level(previous)) {
    return `the RabbitMQ isolation of ${previous.version} (${level(previous)}) is kept; its tenants cannot move to ${level(next)}`;
  }
  for (const exchange of previous.resources.rabbitmq?.exchanges ?? []) {
    const same = topology?.exchanges.find((e) => e.name === exchange.name);
    if (!same || same.type !== exchange.type) {
      return `RabbitMQ exchange ${exchange.name} of ${previous.version} is dropped or changed`;
    }
  }
  for (const queue of previous.resources.rabbitmq?.queues ?? []) {
    const same = topology?.queues.find((q) => q.name === queue.name);
    if (!same || same.deadLetterExchange !== queue.deadLetterExchange) {
      return `RabbitMQ queue ${queue.name} of ${previous.version} is dropped or changed`;
    }
  }
  return null;
}
