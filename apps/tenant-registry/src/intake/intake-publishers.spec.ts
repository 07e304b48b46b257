import { intakePublishersSchema } from './intake-publishers';

describe('INTAKE_PUBLISHERS', () => {
  it('reads each publisher with the products it may act for', () => {
    const publishers = intakePublishersSchema.parse('signup=ledger+tracer, billing=*');
    expect(publishers.names()).toEqual(['signup', 'billing']);
    expect(publishers.mayActFor('signup', 'ledger')).toBe(true);
    expect(publishers.mayActFor('signup', 'crm')).toBe(false);
    expect(publishers.mayActFor('billing', 'crm')).toBe(true);
    expect(publishers.mayActFor('nobody', 'ledger')).toBe(false);
    expect(publishers.foreign('signup', ['ledger', 'crm', 'tracer'])).toEqual(['crm']);
    expect(publishers.toString()).toBe('signup=ledger+tracer,billing=*');
  });

  it('is empty when unset: no intake', () => {
    expect(intakePublishersSchema.parse(undefined).names()).toEqual([]);
  });

  it.each([
    ['a bad publisher name', 'Signup=ledger'],
    ['a bad product name', 'signup=Ledger'],
    ['no products', 'signup'],
    ['a publisher twice', 'signup=ledger,signup=tracer'],
    ['two equals signs', 'signup=ledger=tracer'],
  ])('refuses %s', (_label, value) => {
    expect(intakePublishersSchema.safeParse(value).success).toBe(false);
  });
});
