import { useCallback, useEffect, useState } from 'react';
import { typesText } from '../components/ShortcutsSheet';

/** "?" pressed anywhere but in an editor or a form field opens the shortcuts sheet. */
export function useShortcutsSheet() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !typesText(e.target)) {
        e.preventDefault();
        setOpen(true);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const close = useCallback(() => setOpen(false), []);
  return { open, show: useCallback(() => setOpen(true), []), close };
}
