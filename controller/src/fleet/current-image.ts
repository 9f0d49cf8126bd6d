import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ContainerRuntime } from '../runtime/container-runtime';

/**
 * The id the configured image ref points at now, refreshed every sweep: a pool container of an
 * older image is replaced rather than handed out. null until known, or while the image is missing.
 */
@Injectable()
export class CurrentImage {
  private current: string | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly runtime: ContainerRuntime,
  ) {}

  get id(): string | null {
    return this.current;
  }

  async refresh(): Promise<void> {
    this.current = await this.runtime.imageId(this.config.image);
  }

  /** True when `imageId` is known to be older than the current image. */
  isOutdated(imageId: string): boolean {
    return !!this.current && !!imageId && imageId !== this.current;
  }
}
