import {
  CredentialsIssued,
  CredentialsIssuedPayload,
  EventEnvelope,
  PostgresProvisioned,
  tenantResourceNames,
} from '@enclave/contracts';
import { PermanentStageError, runStage } from '@enclave/lifecycle';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { SECRET_STORE, SecretStore } from '@enclave/secret-store';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { PostgresTenantProvisioner } from '../provisioning/postgres-tenant.provisioner';

/**
 * The PostgreSQL stage: once the tenant's credentials are vaulted, make its role and database or
 * schema with them and announce PostgresProvisioned. The password is read here and handed to the
 * provisioner only; events carry the vault reference, logs carry neither.
 */
@Controller()
export class CredentialsIssuedHandler {
  constructor(
    @Inject(PostgresTenantProvisioner) private readonly provisioner: PostgresTenantProvisioner,
    @Inject(SECRET_STORE) private readonly secrets: SecretStore,
  ) {}

  @HandlesEvent(CredentialsIssued)
  async handle(
    @Payload() event: EventEnvelope<CredentialsIssuedPayload>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const ref = event.payload.credentials.postgres;
    if (!ref) return; // the product does not use PostgreSQL
    const { tenantId, registrationId, product, isolationMode } = event.payload;

    await runStage(ctx, 'postgres', event.payload, async () => {
      // A reference to another tenant's secret would hand this tenant foreign credentials.
      const expectedPath = tenantResourceNames(tenantId, product, isolationMode).secretPath(
        'postgres',
      );
      if (ref.path !== expectedPath) {
        throw new PermanentStageError(
          `PostgreSQL credentials reference ${ref.path}, expected ${expectedPath}`,
        );
      }
      const { data } = await this.secrets.get(ref.path, ref.version);
      const { username, password } = data;
      if (typeof username !== 'string' || typeof password !== 'string') {
        throw new PermanentStageError(
          `secret ${ref.path} v${ref.version} has no username and password`,
        );
      }

      const provisioned = await this.provisioner.provision({
        tenantId,
        product,
        mode: isolationMode,
        username,
        password,
      });
      await ctx.publish(PostgresProvisioned, {
        tenantId,
        registrationId,
        product,
        isolationMode,
        database: provisioned.database,
        schema: provisioned.schema,
        role: provisioned.role,
        credentials: ref,
      });
    });
  }
}
