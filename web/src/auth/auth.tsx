/**
 * Who is signed in: the session's access token (in memory; the refresh token is an
 * `HttpOnly` cookie), the `/auth/me` answer (user, tenant, roles, permissions), sign-in and
 * sign-out. A page load restores the session from the cookie; another tab's sign-in or
 * sign-out shows here at once.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as React from "react";
import { api, CSRF_HEADER, sessionSignal, tokens, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { sessionFromTokens } from "@/api/tokens";
import { toast } from "@/components/toast";

export type Me = components["schemas"]["MeResponse"];
export type LoginRequest = components["schemas"]["LoginRequest"];

export interface AuthValue {
  /** True while the page asks the refresh cookie for a session, after a load. */
  restoring: boolean;
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

/** The signed-in state; tests may provide a fixed one. */
export const AuthContext = React.createContext<AuthValue | null>(null);

export const meQueryKey = ["auth", "me"] as const;

export function AuthProvider({ children }: { children: React.ReactNode }) {
  const queryClient = useQueryClient();
  const [signedIn, setSignedIn] = React.useState(() => tokens.session !== null);
  const [restoring, setRestoring] = React.useState(() => tokens.session === null);
  const [signedOut, setSignedOut] = React.useState(false);

  React.useEffect(() => {
    const off = tokens.subscribe((s) => {
      setSignedIn(s !== null);
      if (s === null) queryClient.clear();
    });
    const offSignal = sessionSignal.listen((event) => {
      if (event === "signed-out") {
        tokens.clear();
        return;
      }
      // Another tab signed in: its cookie is this tab's too; take an access token from it.
      queryClient.clear();
      void tokens.restore();
    });
    return () => {
      off();
      offSignal();
    };
  }, [queryClient]);

  React.useEffect(() => {
    let live = true;
    void tokens.restore().finally(() => {
      if (live) setRestoring(false);
    });
    return () => {
      live = false;
    };
  }, []);

  const meQuery = useQuery({
    queryKey: meQueryKey,
    queryFn: () => unwrap(api.GET("/api/v1/auth/me")),
    enabled: signedIn,
    staleTime: 60_000,
  });

  const login = React.useCallback(
    async (req: LoginRequest) => {
      // The refresh token comes back as the HttpOnly cookie only, never in the body.
      const t = await unwrap(
        api.POST("/api/v1/auth/login", { body: { ...req, use_cookie: true }, params: { header: CSRF_HEADER } }),
      );
      queryClient.clear();
      setSignedOut(false);
      tokens.set(sessionFromTokens(t));
      sessionSignal.post("signed-in");
      await queryClient.fetchQuery({ queryKey: meQueryKey, queryFn: () => unwrap(api.GET("/api/v1/auth/me")) });
    },
    [queryClient],
  );

  const logout = React.useCallback(async () => {
    try {
      if (tokens.session) await api.POST("/api/v1/auth/logout");
    } catch {
      // Offline: the access token is forgotten here anyway and expires on its own.
    }
    setSignedOut(true);
    // What the last page said is about that session, not the sign-in page.
    toast.dismiss();
    tokens.clear();
    sessionSignal.post("signed-out");
  }, []);

  const me = signedIn ? meQuery.data : undefined;
  const value = React.useMemo<AuthValue>(
    () => ({
      restoring,
      signedIn,
      signedOut,
      me,
      meError: meQuery.error,
      login,
      logout,
      can: (p) => me?.permissions.includes(p) ?? false,
    }),
    [restoring, signedIn, signedOut, me, meQuery.error, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = React.useContext(AuthContext);
  if (!v) throw new Error("useAuth outside AuthProvider");
  return v;
}
