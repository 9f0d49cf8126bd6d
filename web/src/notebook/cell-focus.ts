/**
 * Where each cell takes the keyboard: Shift+Enter moves the focus to the next cell, which may be
 * mounted long before (autoFocus only covers a new cell). Each cell registers while it is mounted.
 */
const focusers = new Map<string, () => void>();

export function registerCellFocus(id: string, focus: (() => void) | null): void {
  if (focus) focusers.set(id, focus);
  else focusers.delete(id);
}

export function focusCell(id: string): void {
  focusers.get(id)?.();
}
