// Who is signed in. Local mode: a dev token for a seeded user (auth.devLogin). Supabase mode (VITE_SUPABASE_URL and
// VITE_SUPABASE_ANON_KEY set at build time): sign-in through @supabase/supabase-js, its access token as the Bearer.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { SupabaseClient } from '@supabase/supabase-js';

const TOKEN_KEY = 'regbatch.token';

const supabaseUrl = import.meta.env.VITE_SUPABASE_URL as string | undefined;
const supabaseAnonKey = import.meta.env.VITE_SUPABASE_ANON_KEY as string | undefined;
export const supabaseConfigured = Boolean(supabaseUrl && supabaseAnonKey);

let supabasePromise: Promise<SupabaseClient> | null = null;
/** Loaded only when configured, so local mode ships no Supabase code path at runtime. */
export function supabase(): Promise<SupabaseClient> {
  if (!supabaseUrl || !supabaseAnonKey)
    return Promise.reject(
      new Error('Supabase is not configured (VITE_SUPABASE_URL, VITE_SUPABASE_ANON_KEY)'),
    );
  supabasePromise ??= import('@supabase/supabase-js').then(({ createClient }) =>
    createClient(supabaseUrl, supabaseAnonKey),
  );
  return supabasePromise;
}

interface AuthState {
  token: string | null;
  /** Reads the current token (for links that run outside React). */
  getToken: () => string | null;
  setToken: (token: string | null) => void;
  signOut: () => void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [token, setTokenState] = useState<string | null>(() => window.localStorage.getItem(TOKEN_KEY));
  const ref = useRef(token);
  const setToken = useCallback((next: string | null) => {
    ref.current = next;
    if (next) window.localStorage.setItem(TOKEN_KEY, next);
    else window.localStorage.removeItem(TOKEN_KEY);
    setTokenState(next);
  }, []);

  useEffect(() => {
    if (!supabaseConfigured) return;
    let unsubscribe: (() => void) | undefined;
    void supabase().then((client) => {
      void client.auth.getSession().then(({ data }) => setToken(data.session?.access_token ?? ref.current));
      const { data } = client.auth.onAuthStateChange((_event, session) =>
        setToken(session?.access_token ?? null),
      );
      unsubscribe = () => data.subscription.unsubscribe();
    });
    return () => unsubscribe?.();
  }, [setToken]);

  const value = useMemo<AuthState>(
    () => ({
      token,
      getToken: () => ref.current,
      setToken,
      signOut: () => {
        if (supabaseConfigured) void supabase().then((c) => c.auth.signOut());
        setToken(null);
      },
    }),
    [token, setToken],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
