import { randomUUID } from 'node:crypto';
import { BrokerProvisioned } from './broker-provisioned.event';
import { CredentialsIssued } from './credentials-issued.event';
import { CredentialsRotationRequested } from './credentials-rotation-requested.event';
import { ServiceRetryRequested } from './service-retry-requested.event';
import { ServiceRetryStarted } from './service-retry-started.event';
import { MongoProvisioned } from './mongo-provisioned.event';
import { platformEventCatalog } from './platform-event.catalog';
import { PostgresProvisioned } from './postgres-provisioned.event';
import { StageFailed } from './stage-failed.event';

const RETRY_ID = randomUUID();

const registration = {
  tenantId: 'acme',
  registrationId: randomUUID(),
  product: 'ledger',
  isolationMode: 'SCHEMA' as const,
};

/** A v1 stage report as a provisioner wrote it before reports named their rotation. */
const v1Envelope = (type: string, payload: object) =>
  JSON.stringify({
    id: randomUUID(),
    type,
    version: 1,
    tenantId: 'acme',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    occurredAt: new Date().toISOString(),
    producer: 'test',
    payload: { ...registration, ...payload },
  });

describe('events written before they named their rotation or product version', () => {
  it.each([
    [
      PostgresProvisioned,
      {
        database: 'p_ledger',
        schema: 't_acme',
        role: 'r',
        credentials: { path: 'tenants/acme/ledger/postgres', version: 1 },
      },
    ],
    [MongoProvisioned, { database: 'd', user: 'u', userManagement: 'enforced', collections: 1 }],
    [BrokerProvisioned, { vhost: 'v', user: 'u' }],
    [StageFailed, { stage: 'postgres', reason: 'gone' }],
  ] as const)('reads a v1 $type as naming no rotation', (def, payload) => {
    const event = platformEventCatalog.decode(
      def.topic,
      Buffer.from(v1Envelope(def.type, payload)),
    );
    expect(event.version).toBe(def.version);
    const productVersion = def === PostgresProvisioned ? { productVersion: null } : {};
    // Broker reports before v3 were all of a vhost per tenant.
    const isolation = def === BrokerProvisioned ? { isolation: 'VHOST', prefix: null } : {};
    expect(event.payload).toEqual({
      ...registration,
      ...payload,
      rotationId: null,
      ...productVersion,
      ...isolation,
    });
  });

  it.each([
    [CredentialsIssued, { credentials: {} }, { rotationId: null, productVersion: null }],
    [CredentialsRotationRequested, { rotationId: RETRY_ID }, { productVersion: null }],
    [ServiceRetryRequested, { retry: 1, resources: ['postgres'] }, { productVersion: null }],
    [ServiceRetryStarted, { retry: 1, resources: ['postgres'] }, { productVersion: null }],
  ] as const)('reads a v1 $type as at the first product version (null)', (def, payload, added) => {
    const event = platformEventCatalog.decode(
      def.topic,
      Buffer.from(v1Envelope(def.type, payload)),
    );
    expect(event.version).toBe(def.version);
    expect(event.payload).toEqual({ ...registration, ...payload, ...added });
  });

  it('refuses a report whose rotationId is not a uuid', () => {
    expect(
      BrokerProvisioned.schema.safeParse({
        ...registration,
        vhost: 'v',
        user: 'u',
        rotationId: 'x',
      }).success,
    ).toBe(false);
  });
});
