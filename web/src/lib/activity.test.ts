import { describe, expect, it } from "vitest";
import { describeAction } from "./activity";

describe("audit entries as sentences", () => {
  it.each([
    ["auth.login", "user", "Ada", "signed in"],
    ["api_key.created", "api_key", "deploy-bot", "created API key deploy-bot"],
    ["user.deactivated", "user", "Grace", "deactivated user Grace"],
    ["group.member_added", "group", "Platform", "added a member to group Platform"],
    ["auth.mfa_reset", "user", "Linus", "reset two-step sign-in of user Linus"],
    ["tenant.created", "tenant", null, "created tenant"],
    ["issue.sla_breached", "issue", "INC-1", "sla breached issue INC-1"],
  ])("%s on %s %s reads “%s”", (action, type, name, expected) => {
    expect(describeAction(action, type, name)).toBe(expected);
  });
});
