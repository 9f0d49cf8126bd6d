import type { NotebookLimits } from '@pgsbx/contract';

/**
 * Fixed limits: a notebook is text people write, so these are far above any real one and only
 * stop abuse of the control database (docs/NOTEBOOK.md, "Saved and shared notebooks").
 */
export const NOTEBOOK_LIMITS: NotebookLimits = {
  maxNotebooks: 200,
  maxBytes: 1024 * 1024,
  maxShareBytes: 4 * 1024 * 1024,
};

/** The JSON body limit for /api/notebooks and /api/shared: a share's results, JSON-escaped, with room. */
export const NOTEBOOK_BODY_BYTES = 2 * NOTEBOOK_LIMITS.maxShareBytes;

export const NAME_MAX_CHARS = 120;
