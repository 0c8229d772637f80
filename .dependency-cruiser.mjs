/**
 * The import rules of docs/architecture.md, checked by test/structure/import-graph.test.ts (so `npm test`
 * runs them) and by hand with `npx depcruise --config .dependency-cruiser.mjs src providers policies`.
 * Type-only imports count (`tsPreCompilationDeps`): a cycle through types still ties the modules together.
 */
export default {
  forbidden: [
    {
      name: "no-cycle",
      comment: "No import cycle among src/, providers/ and policies/ (issue #25 item 6).",
      severity: "error",
      from: { path: "^(src|providers|policies)/" },
      to: { circular: true },
    },
    {
      name: "providers-know-no-policy",
      comment: "A provider knows one external system and nothing about policies.",
      severity: "error",
      from: { path: "^providers/" },
      to: { path: "^policies/" },
    },
    {
      name: "policies-know-no-provider",
      comment: "A policy reads the model (facts, inventory), never a provider.",
      severity: "error",
      from: { path: "^policies/" },
      to: { path: "^providers/" },
    },
    {
      name: "providers-before-link-and-evaluate",
      comment:
        "Providers collect; linking and evaluating come after them. What they share with linkers and policies is the facts contract in src/model/facts.",
      severity: "error",
      from: { path: "^providers/" },
      to: { path: "^src/(link|engines|evaluate)/" },
    },
    {
      name: "policies-read-the-linked-inventory",
      comment:
        "A policy reads the linked inventory and its PolicyContext (the engines' answers, typed in src/model/access), never a linker or an engine (issue #25 item 7).",
      severity: "error",
      from: { path: "^policies/" },
      to: { path: "^src/(link|engines)/" },
    },
    {
      name: "engines-are-functions-of-the-model",
      comment:
        "The identity engines (Conditional Access, Okta sign-on) are pure functions of model facts: they import src/model, zod and the pure array helpers only, never a stage, a provider or I/O.",
      severity: "error",
      from: { path: "^src/engines/" },
      to: {
        pathNot: ["^src/engines/", "^src/model/", "^src/util/arrays\\.ts$", "(^|/)node_modules/zod/"],
      },
    },
    {
      name: "model-knows-no-stage",
      comment:
        "The model (vocabulary, facts contract, the engines' answer types) imports only itself and pure helpers: every stage reads it, it reads none of them.",
      severity: "error",
      from: { path: "^src/model/" },
      to: { path: "^src/", pathNot: ["^src/model/", "^src/util/"] },
    },
    {
      name: "emulator-states-vendor-facts-itself",
      comment:
        "An emulator is an independent witness: it never imports its provider's api.ts (paths, scopes, permissions, limits).",
      severity: "error",
      from: { path: "^providers/([^/]+)/[^/]*emulator\\.ts$" },
      to: { path: "^providers/$1/api\\.ts$" },
    },
    {
      name: "emulator-imports-no-provider-module",
      comment:
        "Nor any other module of its provider but emulators; the one exception: FortiGate's emulator builds REST fixtures from configuration text with the provider's CLI parser (to replace with an emulator-side parser).",
      severity: "error",
      from: { path: "^providers/([^/]+)/[^/]*emulator\\.ts$" },
      to: { path: "^providers/$1/", pathNot: ["(^|/|-)emulator\\.ts$", "^providers/fortigate/cli\\.ts$"] },
    },
    {
      name: "test-emulators-stay-out-of-the-product",
      comment:
        "The ticketing and notification emulators are for tests: tsconfig.build.json leaves them out of dist, which holds only while nothing that ships imports them (issue #25 item 9). The demo's emulators live with their providers.",
      severity: "error",
      from: { path: "^(src|providers|policies)/", pathNot: "^src/(export/ticketing|notify)/emulators/" },
      to: { path: "^src/(export/ticketing|notify)/emulators/" },
    },
    {
      name: "ticketing-targets-are-schemas",
      comment:
        "The config's ticketing: section is checked against the connectors' target schemas (src/export/ticketing/config.ts and targets/), which import zod and the config's own schema pieces only: never a connector, the sync, the queue or an HTTP client, so loading a config loads none of them (issue #25 item 8).",
      severity: "error",
      from: { path: "^src/export/ticketing/(config\\.ts$|targets/)" },
      to: {
        pathNot: [
          "^src/export/ticketing/targets/",
          "^src/config/(connection|paths|secrets)\\.ts$",
          "^src/model/vocabulary\\.ts$",
          "(^|/)node_modules/zod/",
        ],
      },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".mjs", ".json"] },
  },
};
