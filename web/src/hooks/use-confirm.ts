import { useCallback, useRef, useState } from 'react';

export interface ConfirmRequest {
  title: string;
  text: string;
  confirmLabel: string;
}

export type Confirm = (request: ConfirmRequest) => Promise<boolean>;

/** A question the page asks before it replaces or deletes something (ConfirmDialog shows it). */
export function useConfirm() {
  const [request, setRequest] = useState<ConfirmRequest | null>(null);
  const settle = useRef<((ok: boolean) => void) | null>(null);

  const confirm = useCallback<Confirm>(
    (r) =>
      new Promise<boolean>((resolve) => {
        settle.current?.(false); // a question still open is answered "no"
        settle.current = resolve;
        setRequest(r);
      }),
    [],
  );

  const answer = useCallback((ok: boolean) => {
    settle.current?.(ok);
    settle.current = null;
    setRequest(null);
  }, []);

  return { request, confirm, answer };
}
