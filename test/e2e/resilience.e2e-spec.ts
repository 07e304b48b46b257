import { ServiceProcess, recordExercised } from '@enclave/testing';
import { OnboardingBatch } from './support/onboarding-batch';
import { APPS, PlatformHarness } from './support/platform.harness';
import { TenantResources } from './support/tenant-resources';

const STAGE_APPS = APPS.filter((app) => app !== 'tenant-registry');

/**
 * The brief's reliability bar, on real servers. Every stage app runs as two replicas in one
 * consumer group. While onboardings are under way, every primary (and the registry) is killed with
 * SIGKILL and started again; mid-way through a second batch, every replica is killed for good.
 * Every registration must still become Ready, with each resource, secret, migration and
 * ServiceReady made exactly once and nothing left over.
 */
// RELIABILITY_ONBOARDINGS=500 runs the brief's bar; the waits grow with the batch.
const ONBOARDINGS = OnboardingBatch.size(40);
const READY_WITHIN = OnboardingBatch.budgetMs(ONBOARDINGS, 120_000);
const CLEAN_UP_TIMEOUT = OnboardingBatch.budgetMs(ONBOARDINGS, 60_000);
jest.setTimeout(OnboardingBatch.budgetMs(ONBOARDINGS, 360_000));

describe('resilience: two replicas per stage, and kill -9 in the middle of onboardings', () => {
  const platform = new PlatformHarness();
  const resources = new TenantResources(platform.infra);
  const batch = new OnboardingBatch(platform, resources, ONBOARDINGS);
  const replicas: ServiceProcess[] = [];

  beforeAll(async () => {
    await platform.start();
    const started = STAGE_APPS.map((app, i) => {
      const port = platform.extraPort(i);
      const replica = new ServiceProcess(
        `apps/${app}/src/main.ts`,
        platform.appEnv(port, app),
      ).start();
      replicas.push(replica);
      return replica.waitForHttp(`http://127.0.0.1:${port}/health/ready`, 120_000);
    });
    await Promise.all(started);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
    await platform.stop();
    await batch.cleanUp();
  }, CLEAN_UP_TIMEOUT);

  it('every registration becomes Ready exactly once, with nothing duplicated or orphaned', async () => {
    const half = batch.tenants.length / 2;
    // Round 1: the first half registered at once; as soon as one is Ready, SIGKILL every primary
    // (the registry too), so the rest are mid-flight in every stage and only the replicas go on.
    await batch.register(batch.tenants.slice(0, half));
    await batch.untilReady(1);
    await platform.stopApps(APPS, 'SIGKILL');
    const readyAtFirstKill = await batch.readyCount();
    expect(readyAtFirstKill).toBeLessThan(half);
    await platform.startApps(APPS);

    // Round 2: the second half; as soon as one of them is Ready, SIGKILL every replica instead, and
    // leave them down: the restarted primaries take their partitions over.
    await batch.register(batch.tenants.slice(half));
    await batch.untilReady(half + 1);
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
    const readyAtSecondKill = await batch.readyCount();
    expect(readyAtSecondKill).toBeLessThan(batch.tenants.length);

    await batch.untilAllReady(READY_WITHIN);
    await platform.waitForConsumersToCatchUp(90_000);
    await batch.expectMadeExactlyOnce();
    recordExercised(
      'Kafka',
      `kill -9 of all ${APPS.length} platform apps, then of ${STAGE_APPS.length} replicas, mid-onboarding ` +
        `(${readyAtFirstKill}/${half} and ${readyAtSecondKill}/${batch.tenants.length} ready at the kills; ${batch.busyAnswers} busy answers retried)`,
    );
  });
});
