import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import * as React from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AuthContext, type AuthValue } from "@/auth/auth";
import { columnPrefsKey } from "@/lib/columnPrefs";
import { nextActive } from "@/lib/listKeys";
import { DataTable, type Column } from "./DataTable";

interface Person {
  id: string;
  name: string;
  email: string;
}

const PEOPLE: Person[] = [
  { id: "1", name: "Ada", email: "ada@example.com" },
  { id: "2", name: "Grace", email: "grace@example.com" },
  { id: "3", name: "Linus", email: "linus@example.com" },
];

const COLUMNS: Column<Person, "name">[] = [
  { key: "name", header: "Name", sort: "name", cell: (p) => <a href={`/p/${p.id}`}>{p.name}</a> },
  { key: "email", header: "Email", cell: (p) => p.email },
];

function auth(userId: string): AuthValue {
  return { me: { user: { id: userId } }, can: () => true } as unknown as AuthValue;
}

function Table({ onOpen, userId = "u1" }: { onOpen?: (p: Person) => void; userId?: string }) {
  return (
    <AuthContext.Provider value={auth(userId)}>
      <DataTable
        caption="People"
        tableId="people"
        columns={COLUMNS}
        rows={PEOPLE}
        rowKey={(p) => p.id}
        meta={{ page: 1, per_page: 25, total: 3, total_pages: 1 }}
        sort="name"
        order="asc"
        onSort={() => undefined}
        onPage={() => undefined}
        perPage={25}
        perPageOptions={[25, 50]}
        onPerPage={() => undefined}
        isLoading={false}
        error={null}
        onRetry={() => undefined}
        empty={<p>No people</p>}
        onRowClick={onOpen}
        rowTestId="person-row"
      />
    </AuthContext.Provider>
  );
}

afterEach(() => {
  cleanup();
  localStorage.clear();
});

function activeName(): string | null {
  const row = document.querySelector("[data-active]");
  return row ? within(row as HTMLElement).getAllByRole("cell")[0]!.textContent : null;
}

describe("moving through a list by keyboard", () => {
  it.each([
    [null, 3, "j", 0],
    [null, 3, "k", 2],
    [0, 3, "j", 1],
    [2, 3, "j", 2],
    [0, 3, "k", 0],
    [1, 3, "k", 0],
    [5, 3, "j", 0],
    [null, 0, "j", null],
  ] as const)("from %s of %i rows, %s goes to %s", (from, count, key, to) => {
    expect(nextActive(from, count, key)).toBe(to);
  });

  it("j and k choose rows and Enter opens the chosen one", () => {
    const onOpen = vi.fn();
    render(<Table onOpen={onOpen} />);
    expect(activeName()).toBeNull();
    fireEvent.keyDown(window, { key: "j" });
    expect(activeName()).toBe("Ada");
    fireEvent.keyDown(window, { key: "j" });
    fireEvent.keyDown(window, { key: "j" });
    expect(activeName()).toBe("Linus");
    fireEvent.keyDown(window, { key: "k" });
    expect(activeName()).toBe("Grace");
    fireEvent.keyDown(window, { key: "Enter" });
    expect(onOpen).toHaveBeenCalledWith(PEOPLE[1]);
  });

  it("leaves keys typed in a field alone", () => {
    render(
      <>
        <input aria-label="Search" />
        <Table />
      </>,
    );
    fireEvent.keyDown(screen.getByLabelText("Search"), { key: "j" });
    expect(activeName()).toBeNull();
  });

  it("leaves Enter on a link to the link", () => {
    const onOpen = vi.fn();
    render(<Table onOpen={onOpen} />);
    fireEvent.keyDown(window, { key: "j" });
    fireEvent.keyDown(screen.getByText("Grace"), { key: "Enter" });
    expect(onOpen).not.toHaveBeenCalled();
  });
});

describe("columns chosen per user", () => {
  it("hides a column and keeps the choice for that user only", () => {
    localStorage.setItem(columnPrefsKey("u1", "people"), JSON.stringify(["email"]));
    const { unmount } = render(<Table userId="u1" />);
    expect(screen.queryByRole("columnheader", { name: "Email" })).toBeNull();
    expect(screen.queryByText("ada@example.com")).toBeNull();
    unmount();
    render(<Table userId="u2" />);
    expect(screen.getByRole("columnheader", { name: "Email" })).toBeTruthy();
  });

  it("never hides the first column, whatever is stored", () => {
    localStorage.setItem(columnPrefsKey("u1", "people"), JSON.stringify(["name", "email"]));
    render(<Table />);
    expect(screen.getByText("Ada")).toBeTruthy();
  });

  it("ignores a garbled stored choice", () => {
    localStorage.setItem(columnPrefsKey("u1", "people"), "{not json");
    render(<Table />);
    expect(screen.getByRole("columnheader", { name: "Email" })).toBeTruthy();
  });
});

void React;
