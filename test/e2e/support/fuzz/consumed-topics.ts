import fs from 'node:fs';
import path from 'node:path';

/**
 * The topics the platform's apps consume, each with the apps that dead-letter what they cannot
 * decode, from the committed AsyncAPI document (docs/asyncapi.json, generated from the code by
 * `npm run docs:asyncapi`): its `<app>.receive.<Event>` operations. The registry's history and
 * dead-letter collectors are not listed there as receivers (they record, they do not act).
 */
export function consumedTopics(
  apps: readonly string[],
  file = path.resolve(__dirname, '../../../../docs/asyncapi.json'),
): Map<string, string[]> {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    channels: Record<string, { address: string }>;
    operations: Record<string, { action: string; channel: { $ref: string } }>;
  };
  const topics = new Map<string, string[]>();
  for (const [name, op] of Object.entries(doc.operations)) {
    const [app, kind] = name.split('.');
    if (op.action !== 'receive' || kind !== 'receive' || !apps.includes(app)) continue;
    const address = doc.channels[op.channel.$ref.split('/').pop()!].address;
    // Parameterised channels (the intake topics, one per configured publisher) carry requests, not
    // event envelopes; the intake e2e sends them malformed input of its own.
    if (address.includes('{')) continue;
    topics.set(address, [...(topics.get(address) ?? []), app].sort());
  }
  return topics;
}
