import { BrokerProvisioned, CredentialsIssued, EventOf } from '@enclave/contracts';
import { PermanentStageError, runStage, readTenantCredential } from '@enclave/lifecycle';
import { EventContext, HandlesEvent } from '@enclave/messaging';
import { productCatalog } from '@enclave/product-catalog';
import { SECRET_STORE, SecretStore } from '@enclave/secret-store';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { RabbitMqTenantProvisioner } from '../provisioning/rabbitmq-tenant.provisioner';

/**
 * The RabbitMQ stage: once the tenant's RabbitMQ credentials are in the vault, provision its vhost,
 * user, permissions, limits and the product's topology, then announce BrokerProvisioned. The
 * password goes from the vault to the management API only: never into the event or a log line.
 */
@Controller()
export class CredentialsIssuedHandler {
  constructor(
    @Inject(SECRET_STORE) private readonly secrets: SecretStore,
    @Inject(RabbitMqTenantProvisioner) private readonly provisioner: RabbitMqTenantProvisioner,
  ) {}

  @HandlesEvent(CredentialsIssued)
  async handle(
    @Payload() event: EventOf<typeof CredentialsIssued>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    const ref = event.payload.credentials.rabbitmq;
    // Products without a RabbitMQ resource get no RabbitMQ credentials: nothing to do here.
    if (!ref) return;
    const { tenantId, registrationId, product, isolationMode } = event.payload;

    await runStage(ctx, 'rabbitmq', event.payload, async () => {
      const topology = productCatalog.get(product)?.resources.rabbitmq;
      if (!topology) {
        throw new PermanentStageError(
          `product ${product} declares no RabbitMQ resource, yet RabbitMQ credentials were issued`,
        );
      }
      const { username, password } = await readTenantCredential(
        this.secrets,
        event.payload,
        'rabbitmq',
        ref,
      );

      const { vhost, user } = await this.provisioner.provision({
        tenantId,
        product,
        mode: isolationMode,
        username,
        password,
        topology,
      });
      await ctx.publish(BrokerProvisioned, {
        tenantId,
        registrationId,
        product,
        isolationMode,
        vhost,
        user,
        rotationId: event.payload.rotationId,
      });
    });
  }
}
