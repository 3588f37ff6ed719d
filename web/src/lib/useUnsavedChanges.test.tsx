import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import * as React from "react";
import { createMemoryRouter, Link, RouterProvider } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { ConfirmProvider } from "@/components/confirm";
import { useDialogGuard, useUnsavedChanges } from "./useUnsavedChanges";

afterEach(cleanup);

function Form() {
  const [text, setText] = React.useState("");
  useUnsavedChanges(text !== "");
  return (
    <>
      <input aria-label="Name" value={text} onChange={(e) => setText(e.target.value)} />
      <Link to="/other">Leave</Link>
    </>
  );
}

function renderAt() {
  const router = createMemoryRouter(
    [
      { path: "/", element: <Form /> },
      { path: "/other", element: <p>Other page</p> },
    ],
    { initialEntries: ["/"] },
  );
  render(
    <ConfirmProvider>
      <RouterProvider router={router} />
    </ConfirmProvider>,
  );
  return router;
}

describe("unsaved forms", () => {
  it("leave at once when nothing was typed", async () => {
    renderAt();
    fireEvent.click(screen.getByText("Leave"));
    await waitFor(() => expect(screen.getByText("Other page")).toBeTruthy());
  });

  it("ask before leaving with typed input, and stay on Keep editing", async () => {
    const router = renderAt();
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Ada" } });
    fireEvent.click(screen.getByText("Leave"));
    await waitFor(() => expect(screen.getByRole("alertdialog")).toBeTruthy());
    fireEvent.click(screen.getByTestId("confirm-cancel"));
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    expect(router.state.location.pathname).toBe("/");
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("Ada");
  });

  it("leave on Discard", async () => {
    const router = renderAt();
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Ada" } });
    fireEvent.click(screen.getByText("Leave"));
    await waitFor(() => expect(screen.getByRole("alertdialog")).toBeTruthy());
    fireEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => expect(router.state.location.pathname).toBe("/other"));
  });

  it("make the tab warn before closing only while dirty", () => {
    renderAt();
    const clean = new Event("beforeunload", { cancelable: true });
    window.dispatchEvent(clean);
    expect(clean.defaultPrevented).toBe(false);
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Ada" } });
    const dirty = new Event("beforeunload", { cancelable: true });
    window.dispatchEvent(dirty);
    expect(dirty.defaultPrevented).toBe(true);
  });
});

function Guarded({ dirty, onClose }: { dirty: boolean; onClose: () => void }) {
  const guard = useDialogGuard(dirty, onClose);
  return (
    <button type="button" onClick={() => guard.onOpenChange(false)}>
      Close
    </button>
  );
}

describe("dialog guard", () => {
  it("closes a clean dialog at once", () => {
    let closed = 0;
    render(
      <ConfirmProvider>
        <Guarded dirty={false} onClose={() => closed++} />
      </ConfirmProvider>,
    );
    fireEvent.click(screen.getByText("Close"));
    expect(closed).toBe(1);
  });

  it("asks before closing a dirty one", async () => {
    let closed = 0;
    render(
      <ConfirmProvider>
        <Guarded dirty onClose={() => closed++} />
      </ConfirmProvider>,
    );
    fireEvent.click(screen.getByText("Close"));
    await waitFor(() => expect(screen.getByRole("alertdialog")).toBeTruthy());
    expect(closed).toBe(0);
    fireEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => expect(closed).toBe(1));
    act(() => undefined);
  });
});
