import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import * as React from "react";
import { createBrowserRouter, Navigate, Outlet, RouterProvider, useLocation } from "react-router";
import { ApiError, errorMessage } from "@/api/problem";
import { AuthProvider, useAuth } from "@/auth/auth";
import { ConfirmProvider } from "@/components/confirm";
import { Toaster } from "@/components/toast";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { LoginPage } from "@/modules/identity/LoginPage";
import { applicationRoutes } from "@/modules/applications/routes";
import { cmdbRoutes } from "@/modules/cmdb/routes";
import { identityRoutes } from "@/modules/identity/routes";
import { serviceRoutes } from "@/modules/services/routes";

// Pages behind sign-in load on demand, so the sign-in page stays small.
const AppShell = React.lazy(() => import("@/layout/AppShell").then((m) => ({ default: m.AppShell })));
const HomePage = React.lazy(() => import("@/pages/HomePage").then((m) => ({ default: m.HomePage })));
const ForgotPasswordPage = React.lazy(() =>
  import("@/modules/identity/PasswordResetPages").then((m) => ({ default: m.ForgotPasswordPage })),
);
const ResetPasswordPage = React.lazy(() =>
  import("@/modules/identity/PasswordResetPages").then((m) => ({ default: m.ResetPasswordPage })),
);
const NotFoundPage = React.lazy(() => import("@/pages/NotFoundPage").then((m) => ({ default: m.NotFoundPage })));

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      refetchOnWindowFocus: true,
    },
  },
});

function Loading() {
  return (
    <div className="grid gap-3 p-6" aria-busy="true" aria-label="Loading">
      <Skeleton className="h-8 w-48" />
      <Skeleton className="h-32 w-full max-w-3xl" />
    </div>
  );
}

/** Pages behind sign-in: anonymous visitors go to the sign-in page and come back after. */
function RequireAuth() {
  const { restoring, signedIn, signedOut, me, meError, logout } = useAuth();
  const location = useLocation();
  // After a page load the session comes back from the refresh cookie; wait for it.
  if (restoring && !signedIn) return <Loading />;
  if (!signedIn) {
    const next = location.pathname + location.search;
    const remember = !signedOut && next !== "/";
    return <Navigate to={remember ? `/login?next=${encodeURIComponent(next)}` : "/login"} replace />;
  }
  if (!me) {
    if (meError)
      return (
        <div className="mx-auto max-w-md p-6">
          <Alert variant="error">
            <p>Could not load your account: {errorMessage(meError)}</p>
            <Button variant="outline" size="sm" onClick={() => void logout()}>
              Sign in again
            </Button>
          </Alert>
        </div>
      );
    return <Loading />;
  }
  return (
    <React.Suspense fallback={<Loading />}>
      <Outlet />
    </React.Suspense>
  );
}

const router = createBrowserRouter([
  { path: "/login", element: <LoginPage /> },
  {
    path: "/forgot-password",
    element: (
      <React.Suspense fallback={<Loading />}>
        <ForgotPasswordPage />
      </React.Suspense>
    ),
  },
  {
    path: "/reset-password",
    element: (
      <React.Suspense fallback={<Loading />}>
        <ResetPasswordPage />
      </React.Suspense>
    ),
  },
  {
    element: <RequireAuth />,
    children: [
      {
        element: <AppShell />,
        children: [
          { index: true, element: <HomePage /> },
          ...identityRoutes,
          ...applicationRoutes,
          ...cmdbRoutes,
          ...serviceRoutes,
          { path: "*", element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <ConfirmProvider>
          <RouterProvider router={router} />
          <Toaster />
        </ConfirmProvider>
      </AuthProvider>
    </QueryClientProvider>
  );
}
