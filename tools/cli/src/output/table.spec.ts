import { table } from './table';

describe('table', () => {
  it('aligns columns and shows missing values as -', () => {
    expect(
      table(
        ['ID', 'STATE', 'REASON'],
        [
          ['acme', 'ready', null],
          ['b', 'failed', 'owned by someone else'],
        ],
      ),
    ).toBe(
      ['ID    STATE   REASON', 'acme  ready   -', 'b     failed  owned by someone else'].join('\n'),
    );
  });
});
