import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import * as React from "react";
import { afterEach, describe, expect, it } from "vitest";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "./dialog";

afterEach(cleanup);

function Page() {
  const [open, setOpen] = React.useState(false);
  return (
    <>
      <button type="button">Elsewhere</button>
      <button type="button" onClick={() => setOpen(true)}>
        Edit
      </button>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent>
          <DialogTitle>Edit group</DialogTitle>
          <DialogDescription>Rename it.</DialogDescription>
          <input aria-label="Name" autoFocus />
        </DialogContent>
      </Dialog>
    </>
  );
}

describe("dialogs", () => {
  it("give focus back to what opened them, without a trigger", async () => {
    render(<Page />);
    const edit = screen.getByText("Edit");
    edit.focus();
    fireEvent.click(edit);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText("Name")));
    fireEvent.keyDown(screen.getByLabelText("Name"), { key: "Escape" });
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(edit));
  });
});
