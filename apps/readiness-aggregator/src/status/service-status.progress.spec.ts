import { ResourceKind, Stage, StageCondition, requiredStages } from '@enclave/contracts';
import { AggregatedState } from './aggregated-state';
import { ServiceStatusEntity } from './service-status.entity';
import { ServiceStatusProgress, StatusChange, StatusNews } from './service-status.progress';

/*
 * States: provisioning → ready | failed (decided once every required stage is done, or one failed);
 * failed → provisioning (an operator's retry); any but deleted → deprovisioning → deleted.
 * Each case: given the events so far, when one more arrives, then the state, the conditions and
 * what is published, or that nothing changes at all (a repeat, a late report, a settled stage).
 */

/** One event about the registration, as its use case hands it to the progress. */
interface Event {
  readonly says: string;
  readonly fold: (progress: ServiceStatusProgress, at: string) => StatusChange;
}

const registered = (...resources: ResourceKind[]): Event => ({
  says: `registered for ${resources.join(' + ')}`,
  fold: (p, at) => p.record({ kind: 'registered', required: requiredStages(resources) }, at),
});
const done = (stage: Stage, schemaVersion?: number): Event => ({
  says: `${stage} done`,
  fold: (p, at) =>
    p.record(
      schemaVersion === undefined
        ? { kind: 'done', stage }
        : { kind: 'done', stage, schemaVersion },
      at,
    ),
});
const failed = (stage: Stage, reason = `${stage} refused`): Event => ({
  says: `${stage} failed`,
  fold: (p, at) => p.record({ kind: 'failed', stage, reason }, at),
});
const retried = (retry: number): Event => ({
  says: `retry ${retry} requested`,
  fold: (p) => p.retry({ retry, resources: ['postgres'], productVersion: '1.0.0' }),
});
const offboarded = (...resources: ResourceKind[]): Event => ({
  says: 'offboarding requested',
  fold: (p, at) => p.deprovisionRequested(resources, at),
});
const released = (stage: Stage): Event => ({
  says: `${stage} released`,
  fold: (p, at) => p.released(stage, at),
});

/** A named history, told as one in a case's name. */
interface History {
  readonly says: string;
  readonly events: readonly Event[];
}
type Given = Event | History;

const history = (says: string, ...given: Given[]): History => ({ says, events: flat(given) });
const flat = (given: readonly Given[]): Event[] =>
  given.flatMap((g) => ('events' in g ? g.events : [g]));

const READY = history(
  'ready for postgres',
  registered('postgres'),
  done('credentials'),
  done('postgres'),
  done('migrations', 3),
);
const FAILED = history(
  'failed at postgres',
  registered('postgres'),
  done('credentials'),
  failed('postgres'),
);
const OFFBOARDING = history('ready, then offboarding requested', READY, offboarded('postgres'));
const DELETED = history(
  'offboarded and deleted',
  OFFBOARDING,
  released('credentials'),
  released('postgres'),
  released('migrations'),
);

const T0 = Date.UTC(2026, 0, 1);
/** Events come a second apart, from T0. */
const at = (second: number) => new Date(T0 + second * 1_000).toISOString();

function newStatus() {
  // What lockServiceStatus inserts on the first event about a registration.
  return {
    state: 'provisioning' as AggregatedState,
    required: null as Stage[] | null,
    registeredAt: null as Date | null,
    stages: {} as ServiceStatusEntity['stages'],
    schemaVersion: null as number | null,
    revision: 0,
    retries: 0,
    released: {} as ServiceStatusEntity['released'],
    deprovisionRequestedAt: null as Date | null,
  };
}

function play(given: Given | Given[], when: Event) {
  const status = newStatus();
  const progress = new ServiceStatusProgress(status);
  const events = flat([given].flat());
  events.forEach((event, i) => event.fold(progress, at(i)));
  const before = structuredClone(status);
  const change = when.fold(progress, at(events.length));
  return { status, before, change, progress };
}

type Condition = [Stage, StageCondition['status']];

interface Outcome {
  readonly state: AggregatedState;
  readonly published: StatusNews['type'][];
  readonly conditions?: Condition[];
}

const NOTHING = 'nothing';

/** Registers one case, named after its story: given …, when …, then …. */
function transition(given: Given | Given[], when: Event, then: Outcome | typeof NOTHING) {
  const story =
    [given]
      .flat()
      .map((g) => g.says)
      .join(', ') || 'nothing yet';
  const outcome =
    then === NOTHING
      ? 'nothing changes and nothing is published'
      : `${then.state}, publishing ${then.published.join(' + ') || 'nothing'}`;
  it(`given ${story}, when ${when.says}, then ${outcome}`, () => {
    const { status, before, change, progress } = play(given, when);
    if (then === NOTHING) {
      expect(change).toEqual({ changed: false, news: [] });
      expect(status).toEqual(before);
      return;
    }
    expect(change.changed).toBe(true);
    expect(status.state).toBe(then.state);
    expect(change.news.map((n) => n.type)).toEqual(then.published);
    if (then.conditions) {
      expect(progress.conditions().map((c) => [c.stage, c.status])).toEqual(then.conditions);
    }
    // ServiceStatusChanged carries the state and conditions after the change, at a new revision;
    // a change it does not announce (offboarding) keeps the revision.
    const changed = change.news.find((n) => n.type === 'ServiceStatusChanged');
    if (changed) {
      expect(changed).toEqual({
        type: 'ServiceStatusChanged',
        state: then.state,
        conditions: progress.conditions(),
        revision: before.revision + 1,
      });
    }
    expect(status.revision).toBe(before.revision + (changed ? 1 : 0));
  });
}

describe('ServiceStatusProgress', () => {
  describe('provisioning, before the registration is seen (stages may report first)', () => {
    transition([], done('credentials'), {
      state: 'provisioning',
      published: ['ServiceStatusChanged'],
      conditions: [['credentials', 'done']],
    });
    transition([done('credentials')], failed('postgres'), {
      state: 'provisioning',
      published: ['ServiceStatusChanged'],
      conditions: [
        ['credentials', 'done'],
        ['postgres', 'failed'],
      ],
    });
    // The registry made it with these conditions already: nothing to announce, no new revision.
    transition([], registered('postgres'), {
      state: 'provisioning',
      published: [],
      conditions: [
        ['credentials', 'pending'],
        ['postgres', 'pending'],
        ['migrations', 'pending'],
      ],
    });
    transition(
      [done('credentials'), done('postgres'), done('migrations')],
      registered('postgres'),
      {
        state: 'ready',
        published: ['ServiceReady', 'ServiceStatusChanged'],
      },
    );
    transition([done('credentials'), failed('postgres')], registered('postgres'), {
      state: 'failed',
      published: ['ServiceFailed', 'ServiceStatusChanged'],
    });
  });

  describe('provisioning, required stages known', () => {
    transition([registered('postgres')], done('credentials'), {
      state: 'provisioning',
      published: ['ServiceStatusChanged'],
      conditions: [
        ['credentials', 'done'],
        ['postgres', 'pending'],
        ['migrations', 'pending'],
      ],
    });
    transition(
      [registered('postgres'), done('credentials'), done('postgres')],
      done('migrations', 3),
      {
        state: 'ready',
        published: ['ServiceReady', 'ServiceStatusChanged'],
        conditions: [
          ['credentials', 'done'],
          ['postgres', 'done'],
          ['migrations', 'done'],
        ],
      },
    );
    transition([registered('rabbitmq'), done('credentials')], done('rabbitmq'), {
      state: 'ready',
      published: ['ServiceReady', 'ServiceStatusChanged'],
      conditions: [
        ['credentials', 'done'],
        ['rabbitmq', 'done'],
      ],
    });
    transition(
      [
        registered('postgres', 'mongodb', 'rabbitmq'),
        done('credentials'),
        done('postgres'),
        done('migrations'),
        done('mongodb'),
      ],
      done('rabbitmq'),
      { state: 'ready', published: ['ServiceReady', 'ServiceStatusChanged'] },
    );
    transition(
      [registered('postgres', 'mongodb'), done('credentials'), done('postgres')],
      done('migrations'),
      { state: 'provisioning', published: ['ServiceStatusChanged'] },
    );
    transition([registered('postgres'), done('credentials')], failed('postgres'), {
      state: 'failed',
      published: ['ServiceFailed', 'ServiceStatusChanged'],
      conditions: [
        ['credentials', 'done'],
        ['postgres', 'failed'],
        ['migrations', 'pending'],
      ],
    });
    transition(
      [registered('postgres'), done('credentials'), done('postgres')],
      failed('migrations'),
      { state: 'failed', published: ['ServiceFailed', 'ServiceStatusChanged'] },
    );
    // A stage it does not need is kept, but decides nothing.
    transition([registered('rabbitmq'), done('credentials')], failed('postgres'), {
      state: 'provisioning',
      published: ['ServiceStatusChanged'],
      conditions: [
        ['credentials', 'done'],
        ['rabbitmq', 'pending'],
      ],
    });
  });

  describe('repeats: the first report of a stage wins, the registration is taken once', () => {
    transition([registered('postgres'), done('credentials')], done('credentials'), NOTHING);
    transition([registered('postgres'), done('postgres')], failed('postgres'), NOTHING);
    transition([registered('postgres'), failed('postgres')], done('postgres'), NOTHING);
    transition([done('credentials')], done('credentials'), NOTHING);
    transition([registered('postgres')], registered('rabbitmq'), NOTHING);
  });

  describe('ready', () => {
    transition(READY, done('migrations', 4), NOTHING);
    transition(READY, failed('postgres'), NOTHING);
    transition(READY, registered('postgres'), NOTHING);
    transition(READY, retried(1), NOTHING);
    // News of a stage it does not need is kept and shown; it stays ready, said once.
    transition(READY, done('mongodb'), {
      state: 'ready',
      published: ['ServiceStatusChanged'],
    });
  });

  describe('failed', () => {
    transition(FAILED, done('postgres'), NOTHING);
    transition(FAILED, failed('postgres', 'again'), NOTHING);
    transition(FAILED, registered('postgres'), NOTHING);
    transition(FAILED, done('migrations'), {
      state: 'failed',
      published: ['ServiceStatusChanged'],
      conditions: [
        ['credentials', 'done'],
        ['postgres', 'failed'],
        ['migrations', 'done'],
      ],
    });
    transition(FAILED, failed('migrations'), {
      state: 'failed',
      published: ['ServiceStatusChanged'],
    });
  });

  describe('retry of a failed registration', () => {
    transition(FAILED, retried(1), {
      state: 'provisioning',
      published: ['ServiceRetryStarted', 'ServiceStatusChanged'],
      conditions: [
        ['credentials', 'done'],
        ['postgres', 'pending'],
        ['migrations', 'pending'],
      ],
    });
    transition([FAILED, retried(1), done('postgres')], done('migrations'), {
      state: 'ready',
      published: ['ServiceReady', 'ServiceStatusChanged'],
    });
    // The old attempt's failure still in flight counts against the retry.
    transition([FAILED, retried(1)], failed('postgres', 'still owned elsewhere'), {
      state: 'failed',
      published: ['ServiceFailed', 'ServiceStatusChanged'],
    });
    transition([FAILED, retried(1)], retried(1), NOTHING);
    transition([FAILED, retried(2), failed('postgres')], retried(1), NOTHING);
    transition([FAILED, retried(2), failed('postgres')], retried(2), NOTHING);
    transition([FAILED, retried(1), failed('postgres')], retried(2), {
      state: 'provisioning',
      published: ['ServiceRetryStarted', 'ServiceStatusChanged'],
    });
    transition([registered('postgres')], retried(1), NOTHING);
  });

  describe('offboarding', () => {
    transition(READY, offboarded('postgres'), { state: 'deprovisioning', published: [] });
    transition(FAILED, offboarded('postgres'), { state: 'deprovisioning', published: [] });
    transition(OFFBOARDING, released('credentials'), { state: 'deprovisioning', published: [] });
    transition(
      [OFFBOARDING, released('postgres'), released('credentials')],
      released('migrations'),
      { state: 'deleted', published: ['ServiceDeprovisioned'] },
    );
    // Releases may come before the request (topics are read independently).
    transition(READY, released('postgres'), { state: 'ready', published: [] });
    transition(
      [READY, released('migrations'), released('postgres'), released('credentials')],
      offboarded('postgres'),
      { state: 'deleted', published: ['ServiceDeprovisioned'] },
    );
    transition([OFFBOARDING, released('postgres')], released('postgres'), NOTHING);
    transition(OFFBOARDING, offboarded('postgres'), NOTHING);
    transition([FAILED, offboarded('postgres')], retried(1), NOTHING);
    // From the request on, provisioning reports are history.
    transition([registered('postgres'), offboarded('postgres')], done('credentials'), NOTHING);
    transition([registered('postgres'), offboarded('postgres')], failed('postgres'), NOTHING);
    transition([offboarded('postgres')], registered('postgres'), NOTHING);
  });

  describe('deleted', () => {
    transition(DELETED, done('postgres'), NOTHING);
    transition(DELETED, registered('postgres'), NOTHING);
    transition(DELETED, offboarded('postgres'), NOTHING);
    transition(DELETED, released('mongodb'), NOTHING);
    transition(DELETED, retried(1), NOTHING);
  });

  describe('in any order', () => {
    const permutations = <T>(items: T[]): T[][] =>
      items.length <= 1
        ? [items]
        : items.flatMap((item, i) =>
            permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [
              item,
              ...rest,
            ]),
          );
    const told = (given: Given[]) => {
      const progress = new ServiceStatusProgress(newStatus());
      return flat(given).map((event, i) => event.fold(progress, at(i)).news.map((n) => n.type));
    };

    it('is ready on the last of the four reports, whichever it is, and says ServiceReady once', () => {
      const events = [registered('postgres'), done('credentials'), done('postgres')];
      for (const order of permutations([...events, done('migrations')])) {
        const news = told(order);
        expect(news.slice(0, -1).flat()).not.toContain('ServiceReady');
        expect(news.at(-1)).toEqual(['ServiceReady', 'ServiceStatusChanged']);
      }
    });

    it('is failed once both the failure and the registration are in, and never ready', () => {
      const events = [registered('postgres'), done('credentials'), failed('postgres')];
      for (const order of permutations([...events, done('migrations')])) {
        const news = told(order).flat();
        expect(news.filter((type) => type === 'ServiceFailed')).toHaveLength(1);
        expect(news).not.toContain('ServiceReady');
        // The failure is said as soon as both are in, not later.
        const decisive = Math.max(
          order.findIndex((e) => e.says === 'registered for postgres'),
          order.findIndex((e) => e.says === 'postgres failed'),
        );
        expect(told(order)[decisive][0]).toBe('ServiceFailed');
      }
    });

    it('is deleted on the last release or the request, whichever is last, said once', () => {
      const releases = [released('credentials'), released('postgres'), released('migrations')];
      for (const order of permutations([...releases, offboarded('postgres')])) {
        const news = told([READY, ...order]).slice(READY.events.length);
        expect(news.slice(0, -1).flat()).toEqual([]);
        expect(news.at(-1)).toEqual(['ServiceDeprovisioned']);
      }
    });
  });

  describe('what is published', () => {
    it('ServiceReady carries the schema version and each stage time from the registration', () => {
      const { change } = play(
        [done('credentials'), registered('postgres'), done('postgres')],
        done('migrations', 7),
      );
      expect(change.news[0]).toEqual({
        type: 'ServiceReady',
        schemaVersion: 7,
        // credentials reported before the registration: it took no time from it.
        stageTimings: { credentials: 0, postgres: 1_000, migrations: 2_000 },
      });
    });

    it('ServiceFailed names the failed stage and its cause, the first on record', () => {
      const { change } = play(
        [failed('postgres', 'database exists, owned by postgres'), failed('migrations')],
        registered('postgres'),
      );
      expect(change.news[0]).toEqual({
        type: 'ServiceFailed',
        stage: 'postgres',
        reason: 'database exists, owned by postgres',
      });
    });

    it('ServiceRetryStarted carries the retry, the resources and the product version, and the retry is taken', () => {
      const { change, status } = play(FAILED, retried(1));
      expect(change.news[0]).toEqual({
        type: 'ServiceRetryStarted',
        retry: 1,
        resources: ['postgres'],
        productVersion: '1.0.0',
      });
      expect(status.retries).toBe(1);
      expect(Object.keys(status.stages)).toEqual(['credentials']);
    });

    it('ServiceDeprovisioned carries nothing but the registration', () => {
      const { change } = play(
        [OFFBOARDING, released('credentials'), released('postgres')],
        released('migrations'),
      );
      expect(change.news).toEqual([{ type: 'ServiceDeprovisioned' }]);
    });

    it('ServiceStatusChanged counts revisions up, one per announced change (not the bare registration)', () => {
      const progress = new ServiceStatusProgress(newStatus());
      const revisions = flat([READY, done('mongodb'), done('mongodb')]).flatMap((event, i) =>
        event
          .fold(progress, at(i))
          .news.flatMap((n) => (n.type === 'ServiceStatusChanged' ? [n.revision] : [])),
      );
      expect(revisions).toEqual([1, 2, 3, 4]);
    });
  });

  describe('what the status view shows', () => {
    it('conditions time each stage from the registration, and only once it is seen', () => {
      const status = newStatus();
      const progress = new ServiceStatusProgress(status);
      progress.record({ kind: 'done', stage: 'credentials' }, at(0));
      expect(progress.conditions()).toEqual([
        {
          stage: 'credentials',
          status: 'done',
          reason: null,
          completedAt: at(0),
          durationMs: null,
        },
      ]);
      progress.record({ kind: 'registered', required: requiredStages(['postgres']) }, at(1));
      progress.record({ kind: 'failed', stage: 'postgres', reason: 'no room' }, at(4));
      expect(progress.conditions()).toEqual([
        { stage: 'credentials', status: 'done', reason: null, completedAt: at(0), durationMs: 0 },
        {
          stage: 'postgres',
          status: 'failed',
          reason: 'no room',
          completedAt: at(4),
          durationMs: 3_000,
        },
        {
          stage: 'migrations',
          status: 'pending',
          reason: null,
          completedAt: null,
          durationMs: null,
        },
      ]);
    });

    it('an offboarding awaits every stage the registration needed, known from the request if need be', () => {
      const { status, progress } = play(
        [released('credentials')],
        offboarded('postgres', 'rabbitmq'),
      );
      expect(status.required).toEqual(['credentials', 'postgres', 'migrations', 'rabbitmq']);
      expect(status.deprovisionRequestedAt).toEqual(new Date(at(1)));
      expect(progress.awaitingRelease()).toEqual(['postgres', 'migrations', 'rabbitmq']);
    });
  });
});
