import { describe, expect, it } from "vitest";
import * as templateApi from "../../providers/_template/api.js";
import * as templateEmulator from "../../providers/_template/emulator.js";
import * as attestationApi from "../../providers/attestation/api.js";
import * as attestationEmulator from "../../providers/attestation/emulator.js";
import * as beyondtrustApi from "../../providers/beyondtrust/api.js";
import * as beyondtrustEmulator from "../../providers/beyondtrust/emulator.js";
import * as automateApi from "../../providers/connectwise-automate/api.js";
import * as automateEmulator from "../../providers/connectwise-automate/emulator.js";
import * as dattoApi from "../../providers/datto-rmm/api.js";
import * as dattoEmulator from "../../providers/datto-rmm/emulator.js";
import * as duoApi from "../../providers/duo/api.js";
import * as duoEmulator from "../../providers/duo/emulator.js";
import * as entraApi from "../../providers/entra/api.js";
import * as entraEmulator from "../../providers/entra/emulator.js";
import * as fortigateApi from "../../providers/fortigate/api.js";
import * as fortigateEmulator from "../../providers/fortigate/emulator.js";
import * as googleApi from "../../providers/google-workspace/api.js";
import * as googleEmulator from "../../providers/google-workspace/emulator.js";
import * as ninjaApi from "../../providers/ninjaone/api.js";
import * as ninjaEmulator from "../../providers/ninjaone/emulator.js";
import * as npsApi from "../../providers/nps-extension/api.js";
import * as npsEmulator from "../../providers/nps-extension/emulator.js";
import * as oktaApi from "../../providers/okta/api.js";
import * as oktaEmulator from "../../providers/okta/emulator.js";
import * as sshEmulator from "../../providers/ssh/emulator.js";
import * as sshSnapshot from "../../providers/ssh/snapshot.js";
import * as teamviewerApi from "../../providers/teamviewer/api.js";
import * as teamviewerEmulator from "../../providers/teamviewer/emulator.js";
import { directoryRoles } from "../../src/model/facts/entra.js";

/**
 * Each emulator states the vendor facts it enforces (paths, scopes, permission names, limits, page sizes)
 * from the reference documents, independently of the provider it checks. This table holds the two
 * copies together: a typo on either side fails here by name, besides failing the provider's own tests
 * (the emulator refuses a wrong scope or path as the vendor would).
 */
const rows: Array<[fact: string, provider: unknown, emulator: unknown]> = [
  [
    "_template read permission",
    templateApi.readUsersPermission,
    templateEmulator.documented.readUsersPermission,
  ],
  ["attestation CSV columns", attestationApi.csvColumns, attestationEmulator.documented.csvColumns],
  ["BeyondTrust paths", beyondtrustApi.paths, beyondtrustEmulator.documented.paths],
  ["ConnectWise Automate paths", automateApi.paths, automateEmulator.documented.paths],
  ["ConnectWise Automate largest page", automateApi.maxPageSize, automateEmulator.documented.maxPageSize],
  ["Datto RMM paths", dattoApi.paths, dattoEmulator.documented.paths],
  ["Datto RMM public client", dattoApi.publicClient, dattoEmulator.documented.publicClient],
  ["Duo Admin API permissions", duoApi.permissionFor, duoEmulator.documented.permissionFor],
  ["Entra permissions", entraApi.permissions, entraEmulator.documented.permissions],
  [
    "Entra built-in role names",
    Object.fromEntries(
      Object.entries(directoryRoles)
        .filter(([id]) => id in entraEmulator.documented.builtInRoles)
        .map(([id, r]) => [id, r.name]),
    ),
    entraEmulator.documented.builtInRoles,
  ],
  ["FortiGate cmdb tables", fortigateApi.tables, fortigateEmulator.documented.tables],
  [
    "FortiGate admin-profile group per table",
    Object.fromEntries(
      Object.entries(fortigateApi.accprofileNeeds).map(([id, need]) => [
        fortigateApi.tables[id as fortigateApi.TableId].rest,
        need.group,
      ]),
    ),
    fortigateEmulator.documented.accessGroups,
  ],
  [
    "Google Directory and Policy scopes",
    googleApi.directoryScopes,
    googleEmulator.documented.directoryScopes,
  ],
  ["Google group-member scope", googleApi.groupMembersScope, googleEmulator.documented.groupMembersScope],
  ["Google 2SV setting types", googleApi.twoStepSettings, googleEmulator.documented.twoStepSettings],
  ["Google 2SV enforcement off", googleApi.enforcementOff, googleEmulator.documented.enforcementOff],
  ["NinjaOne paths", ninjaApi.paths, ninjaEmulator.documented.paths],
  ["NinjaOne read scope", ninjaApi.readScope, ninjaEmulator.documented.readScope],
  ["NPS extension registry key", npsApi.azureMfaKey, npsEmulator.documented.azureMfaKey],
  ["Okta scopes", oktaApi.oktaScopes, oktaEmulator.documented.oktaScopes],
  ["Okta per-minute limits", oktaApi.perMinuteLimits, oktaEmulator.documented.perMinuteLimits],
  ["Okta concurrent limit", oktaApi.orgConcurrencyLimit, oktaEmulator.documented.orgConcurrencyLimit],
  ["SSH snapshot layout", sshSnapshot.snapshotFiles, sshEmulator.documented.snapshotFiles],
  [
    "TeamViewer permission",
    teamviewerApi.viewUsersPermission,
    teamviewerEmulator.documented.viewUsersPermission,
  ],
];

describe("providers and their emulators state the same vendor facts", () => {
  it.each(rows)("%s", (_fact, provider, emulator) => {
    expect(provider).toEqual(emulator);
  });

  it("every built-in role the emulator lists is one the linker knows (ids from identity-apis.md §1.6)", () => {
    const unknown = Object.keys(entraEmulator.documented.builtInRoles).filter(
      (id) => !(id in directoryRoles),
    );
    expect(unknown).toEqual([]);
  });
});
