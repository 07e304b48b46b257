/**
 * A stage was asked for a product version its catalog does not hold: never published, or its
 * ProductVersionPublished has not reached this stage yet (topics are read independently). An
 * ordinary failure: retried for a while, then the stage fails with this cause (runStage), so a
 * forged or stray event never blocks a partition.
 */
export class UnknownProductVersionError extends Error {
  override readonly name = 'UnknownProductVersionError';

  constructor(product: string, version: string | null) {
    super(
      `${product} ${version ?? '(first version)'} is not in this stage's catalog: never published, or its ProductVersionPublished has not arrived`,
    );
  }
}
