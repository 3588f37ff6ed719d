import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { toast, Toaster } from "./toast";

afterEach(() => {
  act(() => toast.dismiss());
  cleanup();
  vi.useRealTimers();
});

describe("toasts", () => {
  it("shows a success politely and an error at once", () => {
    render(<Toaster />);
    act(() => void toast.success("User created"));
    expect(screen.getByRole("status").textContent).toContain("User created");
    act(() => void toast.error("Could not save"));
    expect(screen.getByRole("alert").textContent).toContain("Could not save");
  });

  it("replaces the toast before, so no message outlives the next action", () => {
    render(<Toaster />);
    act(() => void toast.success("Group created"));
    act(() => void toast.success("Member added"));
    expect(screen.getAllByTestId("toast")).toHaveLength(1);
    expect(screen.queryByText("Group created")).toBeNull();
    expect(screen.getByText("Member added")).toBeTruthy();
  });

  it("goes away on its own", () => {
    vi.useFakeTimers();
    render(<Toaster />);
    act(() => void toast.success("Saved"));
    expect(screen.getByText("Saved")).toBeTruthy();
    act(() => vi.advanceTimersByTime(5000));
    expect(screen.queryByText("Saved")).toBeNull();
  });

  it("runs the undo and says it was undone", async () => {
    const undo = vi.fn().mockResolvedValue(undefined);
    render(<Toaster />);
    act(() => void toast.success("Member removed", { undo }));
    fireEvent.click(screen.getByTestId("toast-undo"));
    await waitFor(() => expect(screen.getByText("Undone")).toBeTruthy());
    expect(undo).toHaveBeenCalledTimes(1);
  });

  it("says so when the undo fails", async () => {
    render(<Toaster />);
    act(() => void toast.success("Member removed", { undo: () => Promise.reject(new Error("gone")) }));
    fireEvent.click(screen.getByTestId("toast-undo"));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("Could not undo"));
  });

  it("dismisses only the toast it names", () => {
    render(<Toaster />);
    const first = toast.success("One");
    act(() => void toast.success("Two"));
    act(() => toast.dismiss(first));
    expect(screen.getByText("Two")).toBeTruthy();
  });
});

describe("toasts held by the reader", () => {
  it("wait while the pointer moves on them, and a new toast does not inherit the hold", () => {
    vi.useFakeTimers();
    render(<Toaster />);
    act(() => void toast.success("Saved"));
    fireEvent.pointerMove(screen.getByTestId("toast"), { pointerType: "mouse", movementX: 3, movementY: 0 });
    act(() => vi.advanceTimersByTime(20_000));
    expect(screen.getByText("Saved")).toBeTruthy();
    act(() => void toast.success("Deleted"));
    act(() => vi.advanceTimersByTime(5000));
    expect(screen.queryByText("Deleted")).toBeNull();
  });

  it("are not held by a pointer that was resting where they appeared", () => {
    vi.useFakeTimers();
    render(<Toaster />);
    act(() => void toast.success("Saved"));
    fireEvent.pointerMove(screen.getByTestId("toast"), { pointerType: "mouse", movementX: 0, movementY: 0 });
    act(() => vi.advanceTimersByTime(5000));
    expect(screen.queryByText("Saved")).toBeNull();
  });
});
