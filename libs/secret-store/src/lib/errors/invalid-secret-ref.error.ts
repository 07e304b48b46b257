/** A path or version that no backend accepts; thrown before any I/O. */
export class InvalidSecretRefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSecretRefError';
  }
}
