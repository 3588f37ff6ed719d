import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import * as React from "react";
import { afterEach, describe, expect, it } from "vitest";
import { SearchPicker, type SearchResult } from "./SearchPicker";

afterEach(cleanup);

interface Item {
  id: string;
  name: string;
}

// 150 items, searched the way the API does: `q` anywhere in the name, any case, 20 a page.
const ITEMS: Item[] = Array.from({ length: 150 }, (_, i) => ({ id: `i${i + 1}`, name: `Item ${String(i + 1).padStart(3, "0")}` }));

function serverSearch(asked: string[]) {
  return (q: string): Promise<SearchResult<Item>> => {
    asked.push(q);
    const hits = ITEMS.filter((i) => i.name.toLowerCase().includes(q.toLowerCase()));
    return Promise.resolve({ data: hits.slice(0, 20), meta: { total: hits.length } });
  };
}

function Harness({
  initial = null,
  exclude,
  asked,
  onChange,
}: {
  initial?: Item | null;
  exclude?: (i: Item) => boolean;
  asked: string[];
  onChange?: (i: Item | null) => void;
}) {
  const [value, setValue] = React.useState<Item | null>(initial);
  return (
    <>
      <SearchPicker<Item>
        id="pick"
        label="Thing"
        queryKey={["items"]}
        search={serverSearch(asked)}
        itemKey={(i) => i.id}
        itemText={(i) => i.name}
        value={value}
        onChange={(i) => {
          setValue(i);
          onChange?.(i);
        }}
        exclude={exclude}
        clearLabel="None"
      />
      <span data-testid="value">{value?.id ?? "none"}</span>
    </>
  );
}

function setup(props: Partial<React.ComponentProps<typeof Harness>> = {}) {
  const asked: string[] = [];
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <Harness asked={asked} {...props} />
    </QueryClientProvider>,
  );
  return { asked, input: screen.getByRole("combobox", { name: "Thing" }) };
}

describe("SearchPicker", () => {
  it("asks the server for the typed text and picks an item past the first 100 by keyboard", async () => {
    const { asked, input } = setup();
    fireEvent.change(input, { target: { value: "item 14" } });
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(10));
    expect(asked).toContain("item 14");
    expect(input.getAttribute("aria-expanded")).toBe("true");
    expect(input.getAttribute("aria-activedescendant")).toBe("pick-option-0");
    fireEvent.keyDown(input, { key: "ArrowDown" });
    fireEvent.keyDown(input, { key: "ArrowDown" });
    expect(input.getAttribute("aria-activedescendant")).toBe("pick-option-2");
    expect(screen.getAllByRole("option")[2]!.getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(input, { key: "ArrowUp" });
    fireEvent.keyDown(input, { key: "Enter" });
    expect(screen.getByTestId("value").textContent).toBe("i141");
    expect((input as HTMLInputElement).value).toBe("Item 141");
    expect(input.getAttribute("aria-expanded")).toBe("false");
  });

  it("says how many match when the page holds only some of them", async () => {
    const { input } = setup();
    fireEvent.keyDown(input, { key: "ArrowDown" });
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(20));
    expect(screen.getByRole("status").textContent).toBe("20 of 150 shown; type to narrow.");
  });

  it("says when nothing matches", async () => {
    const { input } = setup();
    fireEvent.change(input, { target: { value: "nothing like this" } });
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Nothing matches “nothing like this”."));
    expect(screen.queryAllByRole("option")).toHaveLength(0);
    expect(input.getAttribute("aria-expanded")).toBe("false");
  });

  it("leaves out excluded items", async () => {
    const { input } = setup({ exclude: (i) => i.id === "i141" });
    fireEvent.change(input, { target: { value: "item 14" } });
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(9));
    expect(screen.queryByRole("option", { name: "Item 141" })).toBeNull();
  });

  it("says so when everything that matches is excluded", async () => {
    const { input } = setup({ exclude: (i) => i.name.startsWith("Item 15") });
    fireEvent.change(input, { target: { value: "item 15" } });
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("What matches cannot be picked here."));
    expect(screen.queryAllByRole("option")).toHaveLength(0);
  });

  it("picks with the mouse", async () => {
    const { input } = setup();
    fireEvent.change(input, { target: { value: "item 123" } });
    const option = await screen.findByRole("option", { name: "Item 123" });
    fireEvent.click(option);
    expect(screen.getByTestId("value").textContent).toBe("i123");
  });

  it("shows the chosen item's name, and Escape puts it back after typing", async () => {
    const { input } = setup({ initial: ITEMS[4]! });
    expect((input as HTMLInputElement).value).toBe("Item 005");
    fireEvent.change(input, { target: { value: "item 1" } });
    await screen.findAllByRole("option");
    fireEvent.keyDown(input, { key: "Escape" });
    expect((input as HTMLInputElement).value).toBe("Item 005");
    expect(input.getAttribute("aria-expanded")).toBe("false");
    expect(screen.getByTestId("value").textContent).toBe("i5");
  });

  it("clears the value with its clear button", () => {
    const changes: (Item | null)[] = [];
    const { input } = setup({ initial: ITEMS[0]!, onChange: (i) => changes.push(i) });
    fireEvent.click(screen.getByRole("button", { name: "Clear thing: None" }));
    expect(changes).toEqual([null]);
    expect((input as HTMLInputElement).value).toBe("");
    expect(input.getAttribute("placeholder")).toBe("None");
  });

  it("does not submit the form around it when Enter picks", async () => {
    let submitted = 0;
    const asked: string[] = [];
    render(
      <QueryClientProvider client={new QueryClient()}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submitted++;
          }}
        >
          <Harness asked={asked} />
        </form>
      </QueryClientProvider>,
    );
    const input = screen.getByRole("combobox", { name: "Thing" });
    fireEvent.change(input, { target: { value: "item 150" } });
    await screen.findByRole("option", { name: "Item 150" });
    fireEvent.keyDown(input, { key: "Enter" });
    expect(screen.getByTestId("value").textContent).toBe("i150");
    expect(submitted).toBe(0);
  });
});
