import { InvalidArgumentError } from 'commander';
import { integerIn, keyValue, list } from './option-parsers';

describe('option parsers', () => {
  it('takes whole numbers in range only', () => {
    expect(integerIn(1, 10)('7')).toBe(7);
    for (const bad of ['0', '11', '2.5', '-1', 'x', ''])
      expect(() => integerIn(1, 10)(bad)).toThrow(InvalidArgumentError);
  });

  it('collects key=value pairs and refuses a pair without a key', () => {
    expect(keyValue('b=2=3', keyValue('a=1'))).toEqual({ a: '1', b: '2=3' });
    expect(() => keyValue('=1')).toThrow(InvalidArgumentError);
    expect(() => keyValue('a')).toThrow(InvalidArgumentError);
  });

  it('splits lists on commas', () => {
    expect(list(' a, b,,c ')).toEqual(['a', 'b', 'c']);
  });
});
