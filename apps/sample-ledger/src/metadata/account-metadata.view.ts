export interface AccountMetadataView {
  readonly alias: string;
  readonly metadata: Record<string, unknown>;
  /** When it was last set; null when never. */
  readonly updatedAt: string | null;
}
