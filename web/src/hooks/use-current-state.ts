import { useCallback, useRef, useState } from 'react';

type Update<T> = T | ((prev: T) => T);

/**
 * useState plus a getter for the value as it is now, not as it was at the last render.
 *
 * Why: the notebook's callbacks are stable (memoised cells, CodeMirror keymaps bound once) and
 * many run after an await, yet must see the latest cells, runs, mode and session, e.g. a session
 * chosen a moment ago, before React has rendered it. This is the one place a ref shadows state:
 * it is written only by the setter, never copied from a render. T must not be a function.
 */
export function useCurrentState<T>(initial: T | (() => T)): [T, (next: Update<T>) => void, () => T] {
  const [value, setValue] = useState(initial);
  const current = useRef(value);
  const set = useCallback((next: Update<T>) => {
    current.current = typeof next === 'function' ? (next as (prev: T) => T)(current.current) : next;
    setValue(current.current);
  }, []);
  const get = useCallback(() => current.current, []);
  return [value, set, get];
}
