import { useCallback, useEffect, useState } from 'react';
import { shareTokenFrom } from '../notebook/open-notebook';

/** The share token in the address (`?share=…` or `#/shared/…`), and closing the shared view. */
export function useSharedLink() {
  const [token, setToken] = useState(() => shareTokenFrom(window.location));

  useEffect(() => {
    const read = () => setToken(shareTokenFrom(window.location));
    window.addEventListener('popstate', read);
    window.addEventListener('hashchange', read);
    return () => {
      window.removeEventListener('popstate', read);
      window.removeEventListener('hashchange', read);
    };
  }, []);

  /** Back to the user's own notebook: the address loses the token (a reload then stays there). */
  const close = useCallback(() => {
    const url = new URL(window.location.href);
    url.searchParams.delete('share');
    if (url.hash.startsWith('#/shared/')) url.hash = '';
    window.history.replaceState(null, '', url);
    setToken(null);
  }, []);

  return { token, close };
}
