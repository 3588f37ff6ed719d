import { cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { pageTitle, usePageTitle } from "./usePageTitle";

afterEach(cleanup);

function Page({ title }: { title?: string }) {
  usePageTitle(title);
  return null;
}

describe("page titles", () => {
  it("puts the page before the app's name", () => {
    expect(pageTitle("Users")).toBe("Users · FireLater");
    expect(pageTitle("  API keys ")).toBe("API keys · FireLater");
  });

  it("is the app's name alone without a page", () => {
    expect(pageTitle()).toBe("FireLater");
    expect(pageTitle("")).toBe("FireLater");
    expect(pageTitle(null)).toBe("FireLater");
  });

  it("sets the document's title and follows a change", () => {
    const { rerender } = render(<Page title="Users" />);
    expect(document.title).toBe("Users · FireLater");
    rerender(<Page title="Audit log" />);
    expect(document.title).toBe("Audit log · FireLater");
  });
});
