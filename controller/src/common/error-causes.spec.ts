import { ErrorCauses } from './error-causes';

// Each bug is made in its own place; `handle` and `sight` are the one path to it, so the top frames match.
const bugs = {
  deep: () => new RangeError('Maximum call stack size exceeded'),
  undef: () => new TypeError('x is undefined'),
  withId: (id: string) => new Error(`no row for user ${id}`),
};
const withId = (id: string) => () => bugs.withId(id);
const handle = (make: () => Error) => make();
const sight = (sut: ErrorCauses, make: () => Error) => sut.sight(handle(make));

describe(ErrorCauses.name, () => {
  it('reports a cause in full once, then only a count at most once per interval', () => {
    let t = 0;
    const sut = new ErrorCauses(60_000, () => t);
    const first = sight(sut, bugs.deep);
    expect(first).toMatchObject({ first: true, repeats: 0 });
    for (let i = 0; i < 100; i++) expect(sight(sut, bugs.deep)).toEqual({ cause: first.cause, first: false, repeats: 0 });
    t = 60_000;
    expect(sight(sut, bugs.deep)).toEqual({ cause: first.cause, first: false, repeats: 101 });
    expect(sight(sut, bugs.deep).repeats).toBe(0);
  });

  it('tells different causes apart, and the same place with different messages together', () => {
    const sut = new ErrorCauses();
    const a = sight(sut, bugs.deep);
    const b = sight(sut, bugs.undef);
    expect(b.first).toBe(true);
    expect(b.cause).not.toBe(a.cause);
    const c = sight(sut, withId('1'));
    expect(c.first).toBe(true);
    expect(sight(sut, withId('2'))).toEqual({ cause: c.cause, first: false, repeats: 0 });
  });
});
