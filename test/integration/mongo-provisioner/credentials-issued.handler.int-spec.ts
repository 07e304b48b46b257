import { TenantAccessStore } from '@enclave/lifecycle';
import { InMemorySecretStore } from '@enclave/secret-store';
import {
  CredentialsIssued,
  CredentialsIssuedPayload,
  tenantResourceNames,
} from '@enclave/contracts';
import { exampleCatalogIn, testInfra } from '@enclave/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { CredentialsIssuedHandler } from '../../../apps/mongo-provisioner/src/handlers/credentials-issued.handler';
import { MongoStageUseCase } from '../../../apps/mongo-provisioner/src/provisioning/mongodb-stage.use-case';
import { MongoTenantProvisioner } from '../../../apps/mongo-provisioner/src/provisioning/mongo-tenant.provisioner';
import { StageHandlerHarness } from '../support/stage-handler.harness';

/** The MongoDB stage from CredentialsIssued to MongoProvisioned, on real PostgreSQL (outbox) and MongoDB. */
describe('mongo-provisioner CredentialsIssuedHandler', () => {
  const infra = testInfra();
  const harness = new StageHandlerHarness('mongo_provisioner', 'mongo-provisioner');
  const secrets = new InMemorySecretStore();
  const provisioner = new MongoTenantProvisioner(infra.mongoUrl, {
    allowUnauthenticatedTenants: infra.mongoAllowUnauthenticatedTenants,
  });
  let handle: CredentialsIssuedHandler['handle'];
  const tenantId = `it-${randomBytes(4).toString('hex')}`;
  let admin: MongoClient;

  const registration = (product: string) => ({
    tenantId,
    registrationId: randomUUID(),
    product,
    isolationMode: 'SCHEMA' as const,
    rotationId: null,
    productVersion: '1.0.0',
  });

  beforeAll(async () => {
    await harness.setUp();
    // The stage's own catalog, on the real database, holding the example products.
    const catalog = await exampleCatalogIn(harness.dataSource, 'mongo_provisioner');
    const access = new TenantAccessStore(harness.dataSource, 'mongo_provisioner');
    await access.ensureTables();
    const handler = new CredentialsIssuedHandler(
      new MongoStageUseCase(secrets, provisioner, catalog, access),
    );
    handle = handler.handle.bind(handler);
    admin = await new MongoClient(infra.mongoUrl, { serverSelectionTimeoutMS: 5_000 }).connect();
  });

  afterAll(async () => {
    await provisioner.deprovision({ tenantId, product: 'ledger' });
    await provisioner.close();
    await admin?.close();
    await harness.tearDown();
  });

  it('provisions the tenant database and publishes MongoProvisioned, with no secret in the event', async () => {
    const names = tenantResourceNames(tenantId, 'ledger', 'SCHEMA');
    const password = `pw-${randomBytes(16).toString('hex')}`;
    const ref = await secrets.put(names.secretPath('mongodb'), {
      username: names.mongoUser,
      password,
    });
    const payload: CredentialsIssuedPayload = {
      ...registration('ledger'),
      credentials: { mongodb: ref },
    };

    await harness.deliver(CredentialsIssued, payload, handle);

    const collections = await admin
      .db(names.mongoDatabase)
      .listCollections({}, { nameOnly: true })
      .toArray();
    expect(collections.map((c) => c.name).sort()).toEqual(['attachments', 'metadata']);
    const { raw, envelopes } = await harness.published();
    expect(envelopes).toHaveLength(1);
    expect(envelopes[0]).toMatchObject({
      type: 'MongoProvisioned',
      payload: {
        registrationId: payload.registrationId,
        database: names.mongoDatabase,
        user: names.mongoUser,
        userManagement: await provisioner.userManagement(),
        collections: 2,
      },
    });
    expect(raw).not.toContain(password);
  });

  it('does nothing for a registration without MongoDB credentials', async () => {
    const before = (await harness.published()).envelopes.length;
    await harness.deliver(
      CredentialsIssued,
      { ...registration('tracer'), credentials: {} },
      handle,
    );
    expect((await harness.published()).envelopes).toHaveLength(before);
  });

  it('fails the stage at once (StageFailed) when the product declares no MongoDB resource', async () => {
    const ref = await secrets.put(`tenants/${tenantId}/tracer/mongodb`, {
      password: 'irrelevant-secret',
    });
    const payload = { ...registration('tracer'), credentials: { mongodb: ref } };
    await harness.deliver(CredentialsIssued, payload, handle);
    const { raw, envelopes } = await harness.published();
    expect(envelopes.at(-1)).toMatchObject({
      type: 'StageFailed',
      payload: {
        registrationId: payload.registrationId,
        stage: 'mongodb',
        reason: expect.stringMatching(/declares no MongoDB/),
      },
    });
    expect(raw).not.toContain('irrelevant-secret');
  });
});
