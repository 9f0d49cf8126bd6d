import { DEFAULT_URL, resolveTarget } from './context';

describe(resolveTarget.name, () => {
  const stored = { url: 'http://saved:3000', token: 'saved-token' };

  it('takes the URL from --url, then SANDBOXCTL_URL, then the saved login, then the default', () => {
    expect(resolveTarget({ url: 'http://flag:1' }, { SANDBOXCTL_URL: 'http://env:2' }, stored).url).toBe('http://flag:1');
    expect(resolveTarget({}, { SANDBOXCTL_URL: 'http://env:2' }, stored).url).toBe('http://env:2');
    expect(resolveTarget({}, { SANDBOXCTL_URL: '' }, stored).url).toBe('http://saved:3000');
    expect(resolveTarget({}, {}, {}).url).toBe(DEFAULT_URL);
  });

  it('takes the token from --token, then SANDBOXCTL_TOKEN, then the saved login', () => {
    expect(resolveTarget({ token: 'f' }, { SANDBOXCTL_TOKEN: 'e' }, stored)).toMatchObject({ token: 'f', tokenSource: 'flag' });
    expect(resolveTarget({}, { SANDBOXCTL_TOKEN: 'e' }, stored)).toMatchObject({ token: 'e', tokenSource: 'env' });
    expect(resolveTarget({}, {}, stored)).toMatchObject({ url: 'http://saved:3000', token: 'saved-token', tokenSource: 'config' });
  });

  it('sends the saved token only to the controller it was saved for', () => {
    expect(resolveTarget({ url: 'http://saved:3000/' }, {}, stored).token).toBe('saved-token');
    expect(resolveTarget({ url: 'http://other:3000' }, {}, stored)).toEqual({ url: 'http://other:3000', tokenSource: 'none' });
    expect(resolveTarget({}, {}, { token: 'legacy' })).toMatchObject({ url: DEFAULT_URL, token: 'legacy' });
  });

  it('refuses a URL that is not one (exit 2)', () => {
    expect(() => resolveTarget({ url: 'localhost' }, {}, {})).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});
