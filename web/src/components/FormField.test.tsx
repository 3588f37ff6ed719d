import { cleanup, render, screen } from "@testing-library/react";
import { useForm } from "react-hook-form";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError } from "@/api/problem";
import { Input } from "@/components/ui/input";
import { applyFieldErrors, FormField } from "./FormField";

afterEach(cleanup);

type Values = { email: string; name: string };

function Harness({ error, onRest }: { error: unknown; onRest: (rest: string[]) => void }) {
  const form = useForm<Values>({ defaultValues: { email: "", name: "" } });
  return (
    <form>
      <FormField id="email" label="Email" error={form.formState.errors.email}>
        <Input {...form.register("email")} />
      </FormField>
      <FormField id="name" label="Name" error={form.formState.errors.name} hint="Shown to others.">
        <Input {...form.register("name")} />
      </FormField>
      <button type="button" onClick={() => onRest(applyFieldErrors(error, ["email", "name"], form.setError))}>
        apply
      </button>
    </form>
  );
}

describe("API field errors in forms", () => {
  it("puts each message next to its field and returns the ones for unknown fields", async () => {
    const error = new ApiError({
      status: 422,
      code: "validation_failed",
      detail: "Invalid fields.",
      fieldErrors: { email: ["Must be a valid email address."], roles: ["Unknown role."] },
    });
    let rest: string[] = [];
    render(<Harness error={error} onRest={(r) => (rest = r)} />);
    screen.getByRole("button", { name: "apply" }).click();
    const message = await screen.findByText("Must be a valid email address.");
    const email = screen.getByLabelText("Email");
    expect(email.getAttribute("aria-invalid")).toBe("true");
    expect(email.getAttribute("aria-describedby")).toBe(message.id);
    expect(screen.getByLabelText("Name").getAttribute("aria-invalid")).toBeNull();
    expect(screen.getByLabelText("Name").getAttribute("aria-describedby")).toBe("name-hint");
    expect(rest).toEqual(["roles: Unknown role."]);
  });

  it("ignores errors that are not API errors", () => {
    let rest: string[] = ["untouched"];
    render(<Harness error={new Error("boom")} onRest={(r) => (rest = r)} />);
    screen.getByRole("button", { name: "apply" }).click();
    expect(rest).toEqual([]);
  });
});
