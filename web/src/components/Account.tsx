import { useState } from 'react';
import type { Me, Role } from '../api/types';
import { ROLES } from '../api/types';

interface Props {
  me: Me | null;
  devLogin: boolean | null;
  onLogin: (userId: string, role: Role) => Promise<void>;
  onToken: (token: string) => Promise<void>;
  onLogout: () => void;
}

/** Sign-in (dev login form when the controller allows it) and the signed-in user's badge. */
export function Account({ me, devLogin, onLogin, onToken, onLogout }: Props) {
  const [open, setOpen] = useState(false);
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<Role>('pro');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (me) {
    return (
      <div className="account" data-testid="account">
        <span className="who">
          {me.userId} <span className={`role ${me.premium ? 'premium' : ''}`}>{me.role}</span>
        </span>
        <button type="button" onClick={onLogout} data-testid="sign-out">
          Sign out
        </button>
      </div>
    );
  }

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (devLogin) await onLogin(userId.trim(), role);
      else await onToken(token.trim());
      setOpen(false);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="account">
      <button type="button" onClick={() => setOpen(!open)} data-testid="sign-in">
        Sign in
      </button>
      {open && (
        <form className="login-pop" onSubmit={(e) => void submit(e)} data-testid="login-form">
          {devLogin === null && <p className="muted small">Checking the controller…</p>}
          {devLogin ? (
            <>
              <p className="muted small">Development sign-in: pick any user id and a role.</p>
              <label>
                User id
                <input
                  value={userId}
                  onChange={(e) => setUserId(e.target.value)}
                  required
                  autoFocus
                  // Chrome compiles `pattern` with the regex `v` flag, where a class must escape its `-`.
                  pattern="[A-Za-z0-9_.@\-]{1,64}"
                  title="1–64 letters, digits, _ . @ or -"
                  data-testid="login-user"
                />
              </label>
              <label>
                Role
                <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="login-role">
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                      {r === 'user' ? '' : ' (premium)'}
                    </option>
                  ))}
                </select>
              </label>
            </>
          ) : (
            devLogin === false && (
              <>
                <p className="muted small">Dev login is off on this server. Paste a bearer token issued for you.</p>
                <label>
                  Token
                  <input value={token} onChange={(e) => setToken(e.target.value)} required data-testid="login-token" />
                </label>
              </>
            )
          )}
          {error && (
            <div className="form-error" role="alert">
              {error}
            </div>
          )}
          <div className="row">
            <button type="submit" className="primary" disabled={busy || devLogin === null} data-testid="login-submit">
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
