import type { Notebook, NotebookList, NotebookSummary, ShareLink, SharedNotebook } from '@pgsbx/contract';
import type { ApiClient } from './client';

export type { Notebook, NotebookList, NotebookSummary, ShareLink, SharedNotebook };

/** The controller's /api/notebooks and /api/shared routes (saved and shared notebooks). */
export class NotebooksApi {
  constructor(private readonly api: ApiClient) {}

  async list(): Promise<NotebookList> {
    return (await this.api.request<NotebookList>('GET', '/api/notebooks')).body;
  }

  async get(id: string): Promise<Notebook> {
    return (await this.api.request<Notebook>('GET', `/api/notebooks/${encodeURIComponent(id)}`)).body;
  }

  async create(name: string, content: string): Promise<Notebook> {
    return (await this.api.request<Notebook>('POST', '/api/notebooks', { name, content })).body;
  }

  /** Writes only over `version`: a BackendError with status 409 when it changed meanwhile. */
  async update(id: string, version: number, change: { name?: string; content?: string }): Promise<NotebookSummary> {
    const path = `/api/notebooks/${encodeURIComponent(id)}`;
    return (await this.api.request<NotebookSummary>('PUT', path, change, { 'If-Match': `"${version}"` })).body;
  }

  async remove(id: string): Promise<void> {
    await this.api.request('DELETE', `/api/notebooks/${encodeURIComponent(id)}`);
  }

  async duplicate(id: string): Promise<Notebook> {
    return (await this.api.request<Notebook>('POST', `/api/notebooks/${encodeURIComponent(id)}/duplicate`, {})).body;
  }

  async share(id: string, results: Record<string, unknown>): Promise<ShareLink> {
    return (await this.api.request<ShareLink>('POST', `/api/notebooks/${encodeURIComponent(id)}/share`, { results })).body;
  }

  async unshare(id: string): Promise<void> {
    await this.api.request('DELETE', `/api/notebooks/${encodeURIComponent(id)}/share`);
  }

  /** Public: works signed out too. */
  async shared(token: string): Promise<SharedNotebook> {
    return (await this.api.request<SharedNotebook>('GET', `/api/shared/${encodeURIComponent(token)}`)).body;
  }

  async fork(token: string): Promise<Notebook> {
    return (await this.api.request<Notebook>('POST', `/api/shared/${encodeURIComponent(token)}/fork`, {})).body;
  }
}
