// The signed-in user, for role checks in pages (the server enforces them; the UI only hides what would be refused).
import { createContext, useContext, type Context } from 'react';
import type { RouterOutputs } from './trpc';

export type Me = RouterOutputs['auth']['me'];
export const MeContext: Context<Me | null> = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside a signed-in page');
  return me;
}

export function isAdmin(me: Me): boolean {
  return me.role === 'admin' || me.role === 'super_admin';
}
