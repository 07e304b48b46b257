import { expectEventually, randomPortSlot, recordExercised, testInfra } from '@enclave/testing';
import { OnboardingBatch } from './support/onboarding-batch';
import { PlatformHarness } from './support/platform.harness';
import { PrivateKafka } from './support/private-kafka';
import { TenantResources } from './support/tenant-resources';

/**
 * The brief's other reliability case: Kafka itself crashes (SIGKILL) in the middle of onboardings
 * and comes back. The platform runs on a Kafka of this test's own, so the crash touches no other
 * suite. While it is down the apps say so on /health/ready; once it is back every registration must
 * become Ready with everything made exactly once and nothing left over.
 */
// RELIABILITY_ONBOARDINGS=500 runs the brief's bar; the waits grow with the batch.
const ONBOARDINGS = OnboardingBatch.size(30);
const READY_WITHIN = OnboardingBatch.budgetMs(ONBOARDINGS, 195_000);
const CLEAN_UP_TIMEOUT = OnboardingBatch.budgetMs(ONBOARDINGS, 75_000);
jest.setTimeout(OnboardingBatch.budgetMs(ONBOARDINGS, 555_000));

describe('resilience: Kafka killed and restarted in the middle of onboardings', () => {
  const basePort = randomPortSlot();
  const kafka = new PrivateKafka(testInfra(), basePort);
  const platform = new PlatformHarness({
    basePort,
    kafkaBrokers: kafka.brokers,
    kafkaSasl: kafka.sasl,
  });
  const resources = new TenantResources(platform.infra);
  const batch = new OnboardingBatch(platform, resources, ONBOARDINGS);

  beforeAll(async () => {
    await kafka.start();
    await platform.start();
  }, 300_000);

  afterAll(async () => {
    await platform.stop();
    await kafka.remove();
    await batch.cleanUp();
  }, CLEAN_UP_TIMEOUT);

  it('every registration becomes Ready exactly once after Kafka comes back', async () => {
    await batch.register();
    await batch.untilReady(1);
    await kafka.kill();
    const readyAtCrash = await batch.readyCount();
    expect(readyAtCrash).toBeLessThan(batch.tenants.length);

    // The apps notice: readiness names Kafka as down (and they stay alive).
    const registry = platform.apps.get('tenant-registry')!;
    await expectNotReady(`${registry.base}/health/ready`);
    expect(registry.process.running).toBe(true);

    await kafka.start();
    await batch.untilAllReady(READY_WITHIN);
    await platform.waitForConsumersToCatchUp(120_000);
    await batch.expectMadeExactlyOnce();
    // How often the crash left a producer out of step with the broker (RecoveringProducer).
    const replaced = [...platform.apps.keys()]
      .map((app) => platform.logsOf(app).split('using a new one').length - 1)
      .reduce((a, b) => a + b, 0);
    recordExercised(
      'Kafka',
      `${kafka.brokers.join(',')} (own broker) killed with SIGKILL and restarted mid-onboarding (${readyAtCrash}/${batch.tenants.length} ready at the crash, ${replaced} producers replaced, ${batch.busyAnswers} busy answers retried)`,
    );
  });
});

async function expectNotReady(url: string): Promise<void> {
  await expectEventually(
    async () => {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      expect(response.status).toBe(503);
      expect(await response.text()).toMatch(/kafka/i);
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}
