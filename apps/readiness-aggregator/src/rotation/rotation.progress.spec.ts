import { Stage } from '@enclave/contracts';
import { randomUUID } from 'node:crypto';
import { CredentialReport } from './credential.report';
import { IssuedRotation, RotationProgress } from './rotation.progress';
import { RotationRecord } from './rotation.record';

const ref = (resource: string, version: number) => ({
  path: `tenants/acme/ledger/${resource}`,
  version,
});

function status(required: Stage[] | null = ['credentials', 'postgres', 'migrations', 'rabbitmq']) {
  return {
    required,
    rotation: null as RotationRecord | null,
    unclaimedReports: [] as CredentialReport[],
  };
}

function issued(version = 2, overrides: Partial<IssuedRotation> = {}): IssuedRotation {
  return {
    rotationId: randomUUID(),
    credentials: { postgres: ref('postgres', version), rabbitmq: ref('rabbitmq', version) },
    occurredAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function report(
  rotationId: string,
  stage: Stage,
  overrides: Partial<CredentialReport> = {},
): CredentialReport {
  return { rotationId, stage, status: 'done', at: `at-${stage}`, reason: null, ...overrides };
}

describe('RotationProgress', () => {
  it('awaits the required stages that got a new credential, and is done when each re-applied it', () => {
    const s = status();
    const progress = new RotationProgress(s);
    const rotation = issued(2, {
      // mongodb is not required by this registration: it is not waited for.
      credentials: {
        postgres: ref('postgres', 2),
        rabbitmq: ref('rabbitmq', 2),
        mongodb: ref('mongodb', 2),
      },
    });

    expect(progress.issued(rotation)).toBe('updated');
    expect(s.rotation).toMatchObject({
      rotationId: rotation.rotationId,
      awaiting: ['postgres', 'rabbitmq'],
      state: 'pending',
      completedAt: null,
    });
    expect(progress.report(report(rotation.rotationId, 'postgres'))).toBe('updated');
    expect(s.rotation!.awaiting).toEqual(['rabbitmq']);
    expect(progress.report(report(rotation.rotationId, 'rabbitmq'))).toBe('done');
    expect(s.rotation).toMatchObject({ state: 'done', awaiting: [], completedAt: 'at-rabbitmq' });
  });

  it('ignores duplicate and late reports of the tracked rotation', () => {
    const s = status();
    const progress = new RotationProgress(s);
    const rotation = issued();
    progress.issued(rotation);
    progress.report(report(rotation.rotationId, 'postgres'));

    expect(progress.report(report(rotation.rotationId, 'postgres'))).toBe('none');
    expect(progress.report(report(rotation.rotationId, 'rabbitmq'))).toBe('done');
    expect(progress.report(report(rotation.rotationId, 'rabbitmq'))).toBe('none');
    expect(progress.report(report(rotation.rotationId, 'postgres', { status: 'failed' }))).toBe(
      'none',
    );
    expect(s.rotation!.state).toBe('done');
    expect(s.unclaimedReports).toEqual([]);
  });

  it('does not count reports of another rotation', () => {
    const s = status();
    const progress = new RotationProgress(s);
    const another = randomUUID();
    const rotation = issued();
    progress.issued(rotation);

    expect(progress.report(report(another, 'postgres'))).toBe('updated');
    expect(progress.report(report(another, 'postgres'))).toBe('none');
    expect(progress.report(report(another, 'rabbitmq'))).toBe('updated');
    expect(s.rotation).toMatchObject({ state: 'pending', awaiting: ['postgres', 'rabbitmq'] });
  });

  it('claims reports that arrived before the CredentialsIssued they answer', () => {
    const s = status();
    const progress = new RotationProgress(s);
    const rotation = issued();
    const other = randomUUID();
    progress.report(report(rotation.rotationId, 'postgres'));
    progress.report(report(other, 'postgres'));
    progress.report(report(rotation.rotationId, 'rabbitmq'));

    expect(progress.issued(rotation)).toBe('done');
    expect(s.rotation).toMatchObject({ state: 'done', awaiting: [] });
    expect(s.unclaimedReports).toEqual([report(other, 'postgres')]);
  });

  it('is done at once when no stage has anything to re-apply', () => {
    const s = status(['credentials']);
    const rotation = issued();
    expect(new RotationProgress(s).issued(rotation)).toBe('done');
    expect(s.rotation).toMatchObject({ state: 'done', completedAt: rotation.occurredAt });
  });

  it('waits for every resource with a new credential while the registration is unknown', () => {
    const s = status(null);
    new RotationProgress(s).issued(issued());
    expect(s.rotation!.awaiting).toEqual(['postgres', 'rabbitmq']);
  });

  it('tracks a repeated rotation once, and never lets an older one replace a newer one', () => {
    const s = status();
    const progress = new RotationProgress(s);
    const older = issued(2);
    const newer = issued(3);
    progress.issued(older);
    expect(progress.issued(newer)).toBe('updated');
    const tracked = s.rotation;

    expect(progress.issued({ ...newer })).toBe('none');
    expect(progress.issued({ ...older })).toBe('none');
    expect(s.rotation).toBe(tracked);
    // The superseded rotation's reports no longer count.
    expect(progress.report(report(older.rotationId, 'postgres'))).toBe('updated');
    expect(s.rotation!.awaiting).toEqual(['postgres', 'rabbitmq']);
  });

  it('fails the rotation with the cause when a stage gives up, whatever reports follow', () => {
    const s = status();
    const progress = new RotationProgress(s);
    const rotation = issued();
    progress.issued(rotation);

    expect(
      progress.report(
        report(rotation.rotationId, 'rabbitmq', {
          status: 'failed',
          reason: 'user owned elsewhere',
        }),
      ),
    ).toBe('failed');
    expect(s.rotation).toMatchObject({
      state: 'failed',
      reason: 'rabbitmq: user owned elsewhere',
      completedAt: 'at-rabbitmq',
    });
    expect(progress.report(report(rotation.rotationId, 'postgres'))).toBe('none');
  });

  it('ignores failures of stages it does not wait for', () => {
    const s = status();
    const progress = new RotationProgress(s);
    const rotation = issued();
    progress.issued(rotation);
    expect(progress.report(report(rotation.rotationId, 'migrations', { status: 'failed' }))).toBe(
      'none',
    );
    expect(s.rotation!.state).toBe('pending');
  });

  it('keeps a bounded number of unclaimed reports, newest last', () => {
    const s = status();
    const progress = new RotationProgress(s);
    const ids = Array.from({ length: 20 }, () => randomUUID());
    for (const id of ids) progress.report(report(id, 'postgres'));
    expect(s.unclaimedReports.map((r) => r.rotationId)).toEqual(ids.slice(-12));
  });
});
