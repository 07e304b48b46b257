import { RegistrationDirectory, RegistrationFacts } from './registration.directory';

/** A RegistrationDirectory held in memory: for tests, or fed from lifecycle events. */
export class InMemoryRegistrationDirectory implements RegistrationDirectory {
  private readonly facts = new Map<string, RegistrationFacts>();

  set(tenantId: string, product: string, facts: RegistrationFacts): this {
    this.facts.set(key(tenantId, product), facts);
    return this;
  }

  delete(tenantId: string, product: string): void {
    this.facts.delete(key(tenantId, product));
  }

  async find(tenantId: string, product: string): Promise<RegistrationFacts | undefined> {
    return this.facts.get(key(tenantId, product));
  }
}

const key = (tenantId: string, product: string): string => `${tenantId}/${product}`;
