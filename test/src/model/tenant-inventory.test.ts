import { describe, expect, it } from "vitest";
import { signInPathsOf } from "../../../src/model/index.js";
import { accessPath, account, entryPoint, inventory } from "../../helpers/inventory.js";

describe("signInPathsOf: each account's own directory sign-in path", () => {
  const signIn = entryPoint({ id: "entra:signin", source: "entra", kind: "directory-sign-in" });
  const vpn = entryPoint({ id: "vpn", source: "entra", kind: "vpn" });
  const other = entryPoint({
    id: "entra2:signin",
    source: "entra",
    connection: "entra-2",
    kind: "directory-sign-in",
  });
  const first = accessPath({ entryPoint: signIn.id, accounts: ["u1"], state: "enforced" });
  const second = accessPath({ id: "again", entryPoint: signIn.id, accounts: ["u1"], state: "none" });
  const viaVpn = accessPath({ entryPoint: vpn.id, accounts: ["u2"], state: "none" });
  const elsewhere = accessPath({ entryPoint: other.id, accounts: ["u3"], state: "none" });
  const paths = signInPathsOf(
    inventory({ entryPoints: [signIn, vpn, other], accessPaths: [first, second, viaVpn, elsewhere] }),
  );

  it("finds the first sign-in path listed for the account, as a search in list order would", () => {
    expect(paths.of(account({ id: "u1", source: "entra" }))).toBe(first);
  });

  it("ignores paths of other entry point kinds", () => {
    expect(paths.of(account({ id: "u2", source: "entra" }))).toBeUndefined();
  });

  it("keys by source and connection: the same id in another connection is another account", () => {
    expect(paths.of(account({ id: "u3", source: "entra" }))).toBeUndefined();
    expect(paths.of(account({ id: "u3", source: "entra", connection: "entra-2" }))).toBe(elsewhere);
  });
});
