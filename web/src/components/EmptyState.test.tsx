import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { KeyRound } from "lucide-react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Button } from "@/components/ui/button";
import { EmptyState } from "./EmptyState";

afterEach(cleanup);

describe("EmptyState", () => {
  it("says what the thing is and offers the first action", () => {
    const create = vi.fn();
    render(
      <EmptyState
        icon={KeyRound}
        title="No API keys yet."
        description="API keys let scripts and integrations call FireLater."
        action={<Button onClick={create}>Create API key</Button>}
      />,
    );
    expect(screen.getByText("No API keys yet.")).toBeTruthy();
    expect(screen.getByText("API keys let scripts and integrations call FireLater.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Create API key" }));
    expect(create).toHaveBeenCalledOnce();
  });

  it("shows only a title when there is nothing to offer", () => {
    render(<EmptyState title="Nothing recorded yet." />);
    const box = screen.getByTestId("empty-state");
    expect(box.textContent).toBe("Nothing recorded yet.");
    expect(screen.queryByRole("button")).toBeNull();
    // The icon is decoration: nothing for a screen reader to read.
    expect(box.querySelector("svg")).toBeNull();
  });
});
