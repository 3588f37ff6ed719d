import { describe, expect, it } from "vitest";
import { clearLoginNotice, peekLoginNotice, setLoginNotice } from "./notice";

describe("sign-in notice", () => {
  it("is kept until cleared", () => {
    expect(peekLoginNotice()).toBeNull();
    setLoginNotice("Your password is changed.");
    expect(peekLoginNotice()).toBe("Your password is changed.");
    expect(peekLoginNotice()).toBe("Your password is changed.");
    clearLoginNotice();
    expect(peekLoginNotice()).toBeNull();
  });
});
