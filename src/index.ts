/**
 * The library: every CLI command is a thin shell over these, so an MSP can embed mfasweep in its own
 * automation.
 */

export { policies } from "../policies/index.js";
export { findProvider, providers } from "../providers/index.js";
export {
  type CollectOptions,
  type ConnectionCollection,
  collect,
  collectConnection,
} from "./collect/index.js";
export { mergeCollections } from "./collect/merge.js";
export type { CollectContext, DoctorCheck, Provider, ProviderDemo } from "./collect/provider.js";
export { configJsonSchema, loadConfig, parseConfig, registries } from "./composition.js";
export { exampleConfig } from "./config/example.js";
export type { Config, LoadedConfig } from "./config/load.js";
export { demoPortfolio, runDemo, runDemoSweep } from "./demo/index.js";
export * from "./distribute/index.js";
export { type DoctorReport, doctor } from "./doctor.js";
export {
  EntraEngine,
  entraAccessFor,
  entraEngineOf,
  evaluateEntraSignIn,
  loadEntraFacts,
} from "./engines/conditional-access/index.js";
export {
  evaluateOktaAccess,
  OktaEngine,
  type OktaTarget,
  oktaAccessFor,
  oktaEngineOf,
  readOktaOrg,
} from "./engines/okta-sign-on/index.js";
export * from "./errors.js";
export { evaluate, fingerprint } from "./evaluate/index.js";
export type { Policy, PolicyMeta, Verdict } from "./evaluate/policy.js";
export { EvaluationError } from "./evaluate/pool/index.js";
export { couldNotRun, type Exit, exitFor, type RunVerdict } from "./exit.js";
export {
  type ExportFilter,
  type ExportRecord,
  FindingRecord,
  findingRecordsCsv,
  findingRecordsJson,
  findingRecordsNdjson,
  type HtmlOptions,
  type OutputFormat,
  parseScanReport,
  recordColumns,
  recordJsonSchema,
  recordsFromScan,
  recordsFromStore,
  recordsToOcsf,
  render,
  scanRecords,
  storeRecords,
  toFindingRecord,
  toHtml,
  toTable,
} from "./export/index.js";
export {
  type SyncOptions,
  type SyncSummary,
  syncTickets,
  type TargetSummary,
  type TicketingConnector,
  ticketingConnectors,
} from "./export/ticketing/index.js";
export {
  toWeeklyHtml,
  type WeeklyReportOptions,
  WeeklySummary,
  weeklyExitCode,
  weeklyReport,
  weeklyTable,
  weeklyVerdict,
} from "./export/weekly/index.js";
export { delegationLinker } from "./link/delegation.js";
export { link } from "./link/index.js";
export {
  type NpsOutcome,
  type NpsRegistration,
  NpsSettingsFact,
  npsExtensionServing,
  npsSettingsFactKind,
  npsSettingsFor,
  npsVerdict,
  readNpsSettings,
} from "./link/nps/index.js";
export * from "./model/index.js";
export {
  type DeliverOptions,
  type Delivery,
  deliverWeeklySummary,
  NotifyChannel,
  NotifyConfig,
} from "./notify/index.js";
export { consentUrl } from "./onboarding/consent.js";
export {
  type DiscoveryResult,
  discoverFromCsv,
  discoverFromGdap,
  discoveryText,
  gdapCustomers,
  parseCustomersCsv,
  readGdapCustomers,
} from "./onboarding/discover.js";
export { type DiscoveredTenant, type MergePlan, mergeTenants } from "./onboarding/merge.js";
export { discoverFromNinjaOne, mergeOrganizations } from "./onboarding/ninjaone.js";
export {
  mapPsaCompanies,
  mergeMapping,
  type PsaMapResult,
  psaMapText,
  tenantDomains,
} from "./onboarding/psa-map.js";
export {
  type MappingProposal,
  type MatchConfidence,
  matchCompanies,
  normaliseName,
  type TenantForMatch,
  websiteDomain,
} from "./onboarding/psa-match.js";
export * from "./queue/index.js";
export { exitCode, reportVerdict, ScanReport } from "./report.js";
export { type ScanOptions, scan } from "./scan.js";
export { type Cadence, scheduleInstructions } from "./schedule.js";
export { type SweepOptions, type SweepOutcome, sweep, sweepExitCode, sweepVerdict } from "./sweep.js";
export {
  compareVerdicts,
  defaultVerifySample,
  MicrosoftRequirement,
  microsoftView,
  office365AppId,
  SampledAs,
  sampleUsers,
  VerifyEntry,
  VerifyOutcome,
  verifyEvidence,
  verifyInventories,
  verifyLines,
} from "./verify/index.js";
export { verifyTable } from "./verify/render.js";
export { verify, verifyExit } from "./verify/run.js";
