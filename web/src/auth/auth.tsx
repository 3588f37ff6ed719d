/**
 * Who is signed in: the session's tokens, the `/auth/me` answer (user, tenant, roles,
 * permissions), sign-in and sign-out. Another tab's sign-in or sign-out shows here at once.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as React from "react";
import { api, tokens, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { SESSION_KEY, sessionFromTokens } from "@/api/tokens";

export type Me = components["schemas"]["MeResponse"];
export type LoginRequest = components["schemas"]["LoginRequest"];

interface AuthValue {
  /** True while a session exists (its `me` may still be loading). */
  signedIn: boolean;
  /** True after this tab signed out on purpose (then no page is remembered for later). */
  signedOut: boolean;
  me: Me | undefined;
  meError: unknown;
  login(req: LoginRequest): Promise<void>;
  logout(): Promise<void>;
  can(permission: string): boolean;
}

const AuthContext = React.createContext<AuthValue | null>(null);

export const meQueryKey = ["auth", "me"] as const;

export function AuthProvider({ children }: { children: React.ReactNode }) {
  const queryClient = useQueryClient();
  const [signedIn, setSignedIn] = React.useState(() => tokens.session !== null);
  const [signedOut, setSignedOut] = React.useState(false);

  React.useEffect(() => {
    const off = tokens.subscribe((s) => {
      setSignedIn(s !== null);
      if (s === null) queryClient.clear();
    });
    const onStorage = (e: StorageEvent) => {
      if (e.key === SESSION_KEY || e.key === null) tokens.external();
    };
    window.addEventListener("storage", onStorage);
    return () => {
      off();
      window.removeEventListener("storage", onStorage);
    };
  }, [queryClient]);

  const meQuery = useQuery({
    queryKey: meQueryKey,
    queryFn: () => unwrap(api.GET("/api/v1/auth/me")),
    enabled: signedIn,
    staleTime: 60_000,
  });

  const login = React.useCallback(
    async (req: LoginRequest) => {
      const t = await unwrap(api.POST("/api/v1/auth/login", { body: req }));
      queryClient.clear();
      setSignedOut(false);
      tokens.set(sessionFromTokens(t));
      await queryClient.fetchQuery({ queryKey: meQueryKey, queryFn: () => unwrap(api.GET("/api/v1/auth/me")) });
    },
    [queryClient],
  );

  const logout = React.useCallback(async () => {
    try {
      if (tokens.session) await api.POST("/api/v1/auth/logout");
    } catch {
      // Offline: the tokens are forgotten here anyway and expire on their own.
    }
    setSignedOut(true);
    tokens.clear();
  }, []);

  const me = signedIn ? meQuery.data : undefined;
  const value = React.useMemo<AuthValue>(
    () => ({
      signedIn,
      signedOut,
      me,
      meError: meQuery.error,
      login,
      logout,
      can: (p) => me?.permissions.includes(p) ?? false,
    }),
    [signedIn, signedOut, me, meQuery.error, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = React.useContext(AuthContext);
  if (!v) throw new Error("useAuth outside AuthProvider");
  return v;
}
