import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore, configPath } from './config-store';
import { CliError } from './errors';

describe(ConfigStore.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sandboxctl-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives at $SANDBOXCTL_CONFIG, else ~/.config/sandboxctl/config.json', () => {
    expect(configPath({ SANDBOXCTL_CONFIG: '/x/c.json' }, '/home/op')).toBe('/x/c.json');
    expect(configPath({}, '/home/op')).toBe('/home/op/.config/sandboxctl/config.json');
  });

  it('reads nothing as an empty config', () => {
    expect(new ConfigStore(join(dir, 'none.json')).read()).toEqual({ config: {} });
  });

  it('writes the file 0600 in a new 0700 directory, and reads it back', () => {
    const sut = new ConfigStore(join(dir, 'a', 'sandboxctl', 'config.json'));
    sut.write({ url: 'http://c:3000', token: 't0k' });
    expect(statSync(sut.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'a', 'sandboxctl')).mode & 0o777).toBe(0o700);
    expect(sut.read()).toEqual({ config: { url: 'http://c:3000', token: 't0k' } });
  });

  it('replaces a file that others could read with a 0600 one, leaving no temp file', () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, '{"token":"old"}');
    chmodSync(path, 0o644);
    const sut = new ConfigStore(path);
    expect(sut.read().warning).toMatch(/readable by other users .*chmod 600/);
    sut.write({ token: 'new' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ token: 'new' });
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('says which file is broken', () => {
    const path = join(dir, 'config.json');
    writeFileSync(path, '{nope');
    expect(() => new ConfigStore(path).read()).toThrow(CliError);
    expect(() => new ConfigStore(path).read()).toThrow(`${path} is not valid JSON`);
  });
});
