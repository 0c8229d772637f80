import { describe, expect, it } from "vitest";
import { classifyOktaError } from "../../../providers/okta/client.js";

const needed = { scope: "okta.users.read", what: "users" };

describe("classifyOktaError", () => {
  it("a network error naming a user id that contains 'pEm' is transient, not a key problem", () => {
    const err = Object.assign(
      new Error(
        "request to https://acme.okta.com/api/v1/users/00urUEUdmpEmBdWPi2U2/factors failed, reason: socket hang up",
      ),
      {
        code: "ECONNRESET",
      },
    );
    expect(classifyOktaError(err, "GET factors", needed, "api-token").kind).toBe("transient");
    expect(classifyOktaError(err, "GET factors", needed, "private-key").kind).toBe("transient");
  });

  it("a private key that cannot be used is a fatal auth error, for private-key connections", () => {
    const err = new Error("error:1E08010C:DECODER routines::unsupported: could not read the PEM private key");
    const outcome = classifyOktaError(err, "POST token", needed, "private-key");
    expect(outcome.kind).toBe("fatal");
    expect(outcome.kind === "fatal" && outcome.error.name).toBe("ProviderAuthError");
  });
});
