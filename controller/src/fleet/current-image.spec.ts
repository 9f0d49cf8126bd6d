import { fleetFixture } from '../../test/support/fleet-fixture';
import { CurrentImage } from './current-image';

async function makeCurrentImage(env: Record<string, string> = {}) {
  const f = await fleetFixture({ SANDBOX_WARM_POOL: '0', ...env });
  return { ...f, sut: f.get(CurrentImage) };
}

describe(CurrentImage.name, () => {
  it('is unknown until refreshed, and while unknown calls no container outdated', async () => {
    const { sut } = await makeCurrentImage();
    expect(sut.id).toBeNull();
    expect(sut.isOutdated('sha256:image-0')).toBe(false);
    await sut.refresh();
    expect(sut.id).toBe('sha256:image-1');
  });

  it('looks up the configured image ref', async () => {
    const { sut, runtime } = await makeCurrentImage({ SANDBOX_IMAGE: 'pgsbx/postgres:custom' });
    runtime.images = new Set(['pgsbx/postgres:17']);
    await sut.refresh();
    expect(sut.id).toBeNull();
    runtime.images = new Set(['pgsbx/postgres:custom']);
    await sut.refresh();
    expect(sut.id).toBe('sha256:image-1');
  });

  it('follows the ref when it is re-pointed, from the next refresh on', async () => {
    const { sut, runtime } = await makeCurrentImage();
    await sut.refresh();
    runtime.imageRef = 'sha256:image-2';
    expect(sut.id).toBe('sha256:image-1');
    expect(sut.isOutdated('sha256:image-1')).toBe(false);
    await sut.refresh();
    expect(sut.id).toBe('sha256:image-2');
    expect(sut.isOutdated('sha256:image-1')).toBe(true);
    expect(sut.isOutdated('sha256:image-2')).toBe(false);
  });

  it('forgets the id while the image is missing, and then calls nothing outdated', async () => {
    const { sut, runtime } = await makeCurrentImage();
    await sut.refresh();
    runtime.images = new Set();
    await sut.refresh();
    expect(sut.id).toBeNull();
    expect(sut.isOutdated('sha256:image-0')).toBe(false);
  });

  it('does not call a container of unknown image outdated', async () => {
    const { sut } = await makeCurrentImage();
    await sut.refresh();
    expect(sut.isOutdated('')).toBe(false);
  });
});
