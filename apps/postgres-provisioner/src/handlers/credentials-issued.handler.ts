import { CredentialsIssued, EventOf, PostgresProvisioned } from '@enclave/contracts';
import { readTenantCredential, runStage } from '@enclave/lifecycle';
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
    @Payload() event: EventOf<typeof CredentialsIssued>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const ref = event.payload.credentials.postgres;
    if (!ref) return; // the product does not use PostgreSQL
    const { tenantId, registrationId, product, isolationMode } = event.payload;

    await runStage(ctx, 'postgres', event.payload, async () => {
      const { username, password } = await readTenantCredential(
        this.secrets,
        event.payload,
        'postgres',
        ref,
      );

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
        rotationId: event.payload.rotationId,
      });
    });
  }
}
