// The Kafka principals of a platform started by scripts/platform-up.sh: one SASL user per app
// (`enclave-<app>`) and per example product (`product-<name>`), with the ACLs of the ownership map
// (scripts/kafka/kafka-acl-plan.ts) on the platform's KAFKA_TOPIC_PREFIX. Passwords are made once
// and kept in PRINCIPALS_FILE (mode 600); users and ACLs are (re)applied on every run, as the
// broker's super-user (KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD from infra-up's env file).
// Prints one `<role> <user> <password>` line per principal, for the script to hand each app its own.
// Usage: PRINCIPALS_FILE=… node -r @swc-node/register scripts/kafka-platform-principals.ts
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { kafkaAclPlan } from './kafka/kafka-acl-plan';
import { composeUserOf } from './kafka/generate-compose-acls';
import { applyKafkaPrincipals } from './kafka/kafka-principals';

async function main(): Promise<void> {
  const need = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  const file = need('PRINCIPALS_FILE');
  const passwords: Record<string, string> = fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>)
    : {};
  const plans = kafkaAclPlan({
    prefix: process.env.KAFKA_TOPIC_PREFIX ?? '',
    userOf: composeUserOf,
    products: ['ledger', 'tracer'],
  });
  for (const plan of plans) passwords[plan.user] ??= randomBytes(24).toString('hex');
  fs.writeFileSync(file, `${JSON.stringify(passwords, null, 2)}\n`, { mode: 0o600 });
  await applyKafkaPrincipals(
    {
      brokers: need('KAFKA_BROKERS').split(','),
      username: need('KAFKA_SASL_USERNAME'),
      password: need('KAFKA_SASL_PASSWORD'),
    },
    plans,
    (user) => passwords[user],
  );
  for (const plan of plans) console.log(`${plan.role} ${plan.user} ${passwords[plan.user]}`);
}

main().catch((error: Error) => {
  console.error(`kafka principals: ${error.message}`);
  process.exit(1);
});
