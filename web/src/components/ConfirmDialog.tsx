import { useEffect, useRef } from 'react';
import type { ConfirmRequest } from '../hooks/use-confirm';

/** A modal question: Escape or Cancel says no; the keyboard starts on Cancel, so Enter never destroys by accident. */
export function ConfirmDialog({ request, onAnswer }: { request: ConfirmRequest; onAnswer: (ok: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby="confirm-title"
      data-testid="confirm-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onAnswer(false);
      }}
    >
      <h2 id="confirm-title">{request.title}</h2>
      <p>{request.text}</p>
      <div className="confirm-buttons">
        <button type="button" autoFocus onClick={() => onAnswer(false)} data-testid="confirm-cancel">
          Cancel
        </button>
        <button type="button" className="danger" onClick={() => onAnswer(true)} data-testid="confirm-ok">
          {request.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
