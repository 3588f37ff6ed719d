import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import * as React from "react";
import { afterEach, describe, expect, it } from "vitest";
import { ConfirmProvider, useConfirm } from "./confirm";

afterEach(cleanup);

function Asker({ onAnswer }: { onAnswer: (ok: boolean) => void }) {
  const confirm = useConfirm();
  return (
    <button
      type="button"
      onClick={() => void confirm({ title: "Delete Platform?", action: "Delete", destructive: true }).then(onAnswer)}
    >
      Delete
    </button>
  );
}

function setup() {
  const answers: boolean[] = [];
  render(
    <ConfirmProvider>
      <Asker onAnswer={(ok) => answers.push(ok)} />
    </ConfirmProvider>,
  );
  return answers;
}

describe("the confirm step", () => {
  it("answers yes when the action is confirmed", async () => {
    const answers = setup();
    fireEvent.click(screen.getByText("Delete"));
    expect(screen.getByRole("alertdialog").textContent).toContain("Delete Platform?");
    fireEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => expect(answers).toEqual([true]));
    expect(screen.queryByRole("alertdialog")).toBeNull();
  });

  it("answers no on Cancel and on Escape", async () => {
    const answers = setup();
    fireEvent.click(screen.getByText("Delete"));
    fireEvent.click(screen.getByTestId("confirm-cancel"));
    await waitFor(() => expect(answers).toEqual([false]));
    fireEvent.click(screen.getByText("Delete"));
    fireEvent.keyDown(screen.getByRole("alertdialog"), { key: "Escape" });
    await waitFor(() => expect(answers).toEqual([false, false]));
  });

  it("gives focus back to the button that asked", async () => {
    setup();
    const button = screen.getByText("Delete");
    button.focus();
    fireEvent.click(button);
    expect(document.activeElement).toBe(screen.getByTestId("confirm-ok"));
    fireEvent.click(screen.getByTestId("confirm-cancel"));
    await waitFor(() => expect(document.activeElement).toBe(button));
  });
});

// Keeps React in scope for the JSX transform's type check.
void React;
