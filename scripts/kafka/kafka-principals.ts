// Makes the SASL users and ACLs of a kafkaAclPlan on a broker, as its super-user, and removes them
// again. Users through KafkaScramUsers (deploy/local/kafka, compiled by scripts/infra-up.sh: kafkajs
// cannot alter SCRAM credentials), ACLs through kafkajs' admin API.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  ResourcePatternTypes,
  SASLOptions,
  logLevel,
} from 'kafkajs';
import { AclGrant, PrincipalPlan } from './kafka-acl-plan';

const REPO_ROOT = path.resolve(__dirname, '../..');

export interface KafkaSuperUser {
  readonly brokers: readonly string[];
  readonly username: string;
  readonly password: string;
}

/** The classpath of KafkaScramUsers and the Kafka jars, as scripts/infra-up.sh leaves them. */
export function kafkaToolsClasspath(): string {
  const home = path.join(REPO_ROOT, '.cache/jars/kafka-3.9.1');
  return `${home}/tools:${home}/lib/*`;
}

function scramUsers(
  admin: KafkaSuperUser,
  action: 'upsert' | 'delete',
  users: readonly string[],
  passwords: readonly string[] = [],
): Promise<void> {
  if (users.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const child = execFile(
      'java',
      [
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        `-Dlog4j.configuration=file:${path.join(REPO_ROOT, 'deploy/local/kafka/log4j.properties')}`,
        '-cp',
        kafkaToolsClasspath(),
        'KafkaScramUsers',
        action,
        ...users,
      ],
      {
        env: {
          ...process.env,
          KAFKA_BOOTSTRAP: admin.brokers.join(','),
          KAFKA_ADMIN_USER: admin.username,
          KAFKA_ADMIN_PASSWORD: admin.password,
        },
        timeout: 90_000,
      },
      (error, _stdout, stderr) =>
        error
          ? reject(new Error(`KafkaScramUsers ${action} failed: ${stderr || error.message}`))
          : resolve(),
    );
    child.stdin?.end(passwords.map((p) => `${p}\n`).join(''));
  });
}

function aclOf(user: string, grant: AclGrant) {
  return {
    resourceType: grant.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
    resourceName: grant.name,
    resourcePatternType:
      grant.pattern === 'literal' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
    principal: `User:${user}`,
    host: '*',
    operation: {
      read: AclOperationTypes.READ,
      write: AclOperationTypes.WRITE,
      create: AclOperationTypes.CREATE,
      describe: AclOperationTypes.DESCRIBE,
    }[grant.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

function adminClient(admin: KafkaSuperUser): Kafka {
  return new Kafka({
    clientId: 'enclave-kafka-principals',
    brokers: [...admin.brokers],
    sasl: {
      mechanism: 'scram-sha-512',
      username: admin.username,
      password: admin.password,
    } as SASLOptions,
    logLevel: logLevel.NOTHING,
  });
}

/** Creates (or sets the password of) each principal's user and adds its ACLs; safe to repeat. */
export async function applyKafkaPrincipals(
  admin: KafkaSuperUser,
  plans: readonly PrincipalPlan[],
  passwordOf: (user: string) => string,
): Promise<void> {
  const users = plans.map((p) => p.user);
  await scramUsers(admin, 'upsert', users, users.map(passwordOf));
  const client = adminClient(admin).admin();
  await client.connect();
  try {
    const acl = plans.flatMap((p) => p.grants.map((g) => aclOf(p.user, g)));
    if (acl.length > 0) await client.createAcls({ acl });
  } finally {
    await client.disconnect();
  }
}

/**
 * Removes the principals' ACLs and revokes their users: each user's password becomes a random one
 * nobody holds. Users are not deleted: Kafka 3.9.1's broker rebuilds its SCRAM cache at start-up from
 * the metadata log, and a deletion replayed there can drop every other user with it, the super-user
 * included (ScramDelta.apply removes a mechanism's map once it is momentarily empty, and the users
 * put after that are lost), so the next start of the broker would refuse everyone.
 */
export async function removeKafkaPrincipals(
  admin: KafkaSuperUser,
  plans: readonly PrincipalPlan[],
): Promise<void> {
  const client = adminClient(admin).admin();
  await client.connect();
  try {
    const filters = plans.flatMap((p) => p.grants.map((g) => aclOf(p.user, g)));
    if (filters.length > 0) await client.deleteAcls({ filters });
  } finally {
    await client.disconnect();
  }
  const users = plans.map((p) => p.user);
  await scramUsers(
    admin,
    'upsert',
    users,
    users.map(() => randomBytes(32).toString('hex')),
  );
}
