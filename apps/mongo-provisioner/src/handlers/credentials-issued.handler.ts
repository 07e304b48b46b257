import { CredentialsIssued, EventOf, MongoProvisioned } from '@enclave/contracts';
import { PermanentStageError, runStage, readTenantCredential } from '@enclave/lifecycle';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { productCatalog } from '@enclave/product-catalog';
import { SECRET_STORE, SecretStore } from '@enclave/secret-store';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { MongoTenantProvisioner } from '../provisioning/mongo-tenant.provisioner';

/**
 * The MongoDB stage: once the tenant's MongoDB credentials are in the vault, provision its database,
 * collections, indexes and user, then say so. The password goes from the vault to the server only:
 * never into the event or a log line.
 */
@Controller()
export class CredentialsIssuedHandler {
  constructor(
    @Inject(SECRET_STORE) private readonly secrets: SecretStore,
    private readonly provisioner: MongoTenantProvisioner,
  ) {}

  @HandlesEvent(CredentialsIssued)
  async handle(
    @Payload() event: EventOf<typeof CredentialsIssued>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const registration = event.payload;
    const ref = registration.credentials.mongodb;
    // Products without a MongoDB resource get no MongoDB credentials: nothing to do here.
    if (!ref) return;
    await runStage(ctx, 'mongodb', registration, async () => {
      const mongodb = productCatalog.get(registration.product)?.resources.mongodb;
      if (!mongodb) {
        throw new PermanentStageError(
          `product ${registration.product} declares no MongoDB resource, yet MongoDB credentials were issued`,
        );
      }
      const { username, password } = await readTenantCredential(
        this.secrets,
        registration,
        'mongodb',
        ref,
      );
      const result = await this.provisioner.provision({
        tenantId: registration.tenantId,
        product: registration.product,
        mode: registration.isolationMode,
        username,
        password,
        collections: mongodb.collections,
      });
      await ctx.publish(MongoProvisioned, {
        tenantId: registration.tenantId,
        registrationId: registration.registrationId,
        product: registration.product,
        isolationMode: registration.isolationMode,
        database: result.database,
        user: result.user,
        userManagement: result.userManagement,
        collections: result.collections,
        rotationId: event.payload.rotationId,
      });
    });
  }
}
