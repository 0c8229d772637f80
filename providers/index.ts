import type { Provider } from "../src/collect/provider.js";
import { attestation } from "./attestation/index.js";
import { azureVpn } from "./azure-vpn/index.js";
import { beyondtrust } from "./beyondtrust/index.js";
import { ciscoAsa } from "./cisco-asa/index.js";
import { connectwiseAutomate } from "./connectwise-automate/index.js";
import { dattoRmm } from "./datto-rmm/index.js";
import { duo } from "./duo/index.js";
import { entra } from "./entra/index.js";
import { fortigate } from "./fortigate/index.js";
import { globalprotect } from "./globalprotect/index.js";
import { googleWorkspace } from "./google-workspace/index.js";
import { ninjaone } from "./ninjaone/index.js";
import { npsExtension } from "./nps-extension/index.js";
import { okta } from "./okta/index.js";
import { openvpn } from "./openvpn/index.js";
import { screenconnect } from "./screenconnect/index.js";
import { ssh } from "./ssh/index.js";
import { tacticalRmm } from "./tactical-rmm/index.js";
import { teamviewer } from "./teamviewer/index.js";
import { wireguard } from "./wireguard/index.js";

/**
 * The one registry of providers (knip's model): config validation, collection, `doctor` and the demo
 * all read this list. Adding a provider = adding its folder (copied from `_template/`) and one line here.
 */
export const providers: ReadonlyArray<Provider<unknown>> = [
  googleWorkspace,
  entra,
  ninjaone,
  teamviewer,
  dattoRmm,
  connectwiseAutomate,
  beyondtrust,
  okta,
  tacticalRmm,
  screenconnect,
  attestation,
  ssh,
  fortigate,
  ciscoAsa,
  globalprotect,
  openvpn,
  wireguard,
  npsExtension,
  azureVpn,
  duo,
];

export function findProvider(type: string): Provider<unknown> | undefined {
  return providers.find((p) => p.type === type);
}
