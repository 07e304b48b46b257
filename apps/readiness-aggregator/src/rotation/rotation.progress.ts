import type { CredentialsIssuedPayload, ResourceKind } from '@enclave/contracts';
import type { ServiceStatusEntity } from '../status/service-status.entity';
import type { CredentialReport } from './credential.report';
import type { RotationRecord } from './rotation.record';

type Credentials = CredentialsIssuedPayload['credentials'];

type Tracked = Pick<ServiceStatusEntity, 'required' | 'rotation' | 'unclaimedReports'>;

export interface IssuedRotation {
  readonly rotationId: string;
  readonly credentials: Credentials;
  readonly occurredAt: string;
}

/** `done` and `failed` are transitions (said once); `updated` means only the row changed. */
export type RotationChange = 'none' | 'updated' | 'done' | 'failed';

/** The stages that log in with a credential and so must re-apply a rotated one. */
const CREDENTIAL_STAGES: readonly ResourceKind[] = ['postgres', 'mongodb', 'rabbitmq'];

// Enough to hold a few rotations' reports racing ahead of their CredentialsIssued.
const MAX_UNCLAIMED_REPORTS = 12;

/**
 * Folds rotation events into a registration's status, in any order and any number of times. The
 * rotation's CredentialsIssued names the stages that must re-apply it; each stage report naming
 * that rotation ticks one off. Only a newer rotation replaces the tracked one, and a stage's first
 * report wins, so repeats and late events change nothing.
 */
export class RotationProgress {
  constructor(private readonly status: Tracked) {}

  issued(issued: IssuedRotation): RotationChange {
    const current = this.status.rotation;
    if (current && !this.supersedes(issued, current)) return 'none';
    const required = this.status.required;
    const rotation: RotationRecord = {
      rotationId: issued.rotationId,
      credentials: issued.credentials,
      // A stage without a new credential has nothing to re-apply, and would never report.
      awaiting: CREDENTIAL_STAGES.filter(
        (stage) => issued.credentials[stage] && (!required || required.includes(stage)),
      ),
      state: 'pending',
      requestedAt: issued.occurredAt,
      completedAt: null,
      reason: null,
    };
    if (rotation.awaiting.length === 0) {
      rotation.state = 'done';
      rotation.completedAt = issued.occurredAt;
    }
    const claimed = this.status.unclaimedReports.filter((r) => r.rotationId === issued.rotationId);
    this.status.unclaimedReports = this.status.unclaimedReports.filter(
      (r) => r.rotationId !== issued.rotationId,
    );
    this.status.rotation = claimed.reduce(fold, rotation);
    return this.status.rotation.state === 'pending' ? 'updated' : this.status.rotation.state;
  }

  report(report: CredentialReport): RotationChange {
    // Other stages (migrations) never apply credentials: nothing to wait for or keep.
    if (!(CREDENTIAL_STAGES as readonly string[]).includes(report.stage)) return 'none';
    const current = this.status.rotation;
    if (current?.rotationId === report.rotationId) {
      const next = fold(current, report);
      if (next === current) return 'none';
      this.status.rotation = next;
      return next.state === 'pending' ? 'updated' : next.state;
    }
    // Not the tracked rotation: an older one, or one whose CredentialsIssued has not been seen yet.
    const known = this.status.unclaimedReports.some(
      (r) => r.rotationId === report.rotationId && r.stage === report.stage,
    );
    if (known) return 'none';
    this.status.unclaimedReports = [...this.status.unclaimedReports, report].slice(
      -MAX_UNCLAIMED_REPORTS,
    );
    return 'updated';
  }

  /**
   * A different rotation replaces the tracked one only when it carries a newer vault version: a
   * replayed older rotation (or a repeat of this one) must not reopen what is settled.
   */
  private supersedes(issued: IssuedRotation, current: RotationRecord): boolean {
    if (issued.rotationId === current.rotationId) return false;
    return (Object.keys(issued.credentials) as (keyof Credentials)[]).some(
      (resource) =>
        (issued.credentials[resource]?.version ?? 0) >
        (current.credentials[resource]?.version ?? 0),
    );
  }
}

/** One stage's report applied to a rotation; the same object back when it changes nothing. */
function fold(rotation: RotationRecord, report: CredentialReport): RotationRecord {
  if (rotation.state !== 'pending' || !rotation.awaiting.includes(report.stage)) return rotation;
  if (report.status === 'failed') {
    return {
      ...rotation,
      state: 'failed',
      completedAt: report.at,
      reason: `${report.stage}: ${report.reason ?? 'failed'}`,
    };
  }
  const awaiting = rotation.awaiting.filter((stage) => stage !== report.stage);
  return awaiting.length > 0
    ? { ...rotation, awaiting }
    : { ...rotation, awaiting, state: 'done', completedAt: report.at };
}
