/** What `mfasweep init` writes: every field commented, secrets only as references. */
export const exampleConfig = `# mfasweep configuration. Editors autocomplete it with:  mfasweep config schema > mfasweep.schema.json
# Secrets are never written here: use env:NAME (an environment variable) or file:PATH (a file, chmod 600).
version: 1

# Lowest severity that makes scan/sweep exit 1 (critical, high, medium, low, info).
failOn: low

# Give up on a connection that has not finished after this many minutes (its coverage says so).
connectionTimeoutMinutes: 120

# The remediation queue that \`mfasweep sweep\` keeps between runs (SQLite). Default ./mfasweep.db;
# a relative path is relative to this file. --store FILE overrides it.
# store:
#   path: /var/lib/mfasweep/queue.db

# Days to fix a finding, by severity, counted from when it opened; sets due dates and "overdue".
sla:
  critical: 2
  high: 7
  medium: 30
  low: 90

tenants:
  # One entry per customer. The id appears in fingerprints and tickets: keep it stable.
  - id: contoso
    name: Contoso Ltd
    connections:
      # Google Workspace: a service account with domain-wide delegation of the read-only scopes
      # (see README "Google Workspace"), impersonating a super administrator.
      - type: google-workspace
        id: google
        customer: my_customer
        auth:
          method: service-account
          serviceAccountKey: file:/etc/mfasweep/contoso-google-sa.json
          subject: mfasweep-audit@contoso.example
      # Or a token minted elsewhere:
      # - type: google-workspace
      #   auth: { method: access-token, token: env:CONTOSO_GOOGLE_TOKEN }

# Accepted risks. Each needs a reason, an approver and an expiry date (at most maxExceptionDays ahead).
exceptions: []
#  # subject: an object id, or a name together with its connection (names repeat across sources)
#  - match: { tenant: contoso, policy: google-user-2sv-enforced, subject: kiosk@contoso.example, connection: google }
#    reason: Shared kiosk account, sign-in limited to the front-desk device by Context-Aware Access
#    approvedBy: security@msp.example
#    expires: 2027-03-31

# Ticketing: \`mfasweep tickets sync\` opens a ticket per open finding (or per tenant and policy), updates it
# when the finding changes, adds a note when it is resolved or accepted, and never creates one twice (a
# ledger in the store, plus the system's own dedupe field). A tenant gets tickets only in the company /
# project mapped to it under \`tenants:\`; a tenant without a mapping is skipped, never sent to a default.
# Types: connectwise, autotask, halopsa, jira, servicenow, webhook. \`fields:\` passes instance-specific
# required fields through as they are. Try it first with: mfasweep tickets sync --dry-run
ticketing: []
#  - id: psa                              # keep stable: it names the ledger
#    type: connectwise
#    endpoint: https://api-na.myconnectwise.net/v4_6_release/apis/3.0
#    auth: { companyId: mymsp, publicKey: env:CW_PUBLIC_KEY, privateKey: env:CW_PRIVATE_KEY, clientId: env:CW_CLIENT_ID }
#    grouping: per-finding                # or per-tenant-policy: one ticket per tenant and policy
#    minSeverity: medium
#    closeOnResolve: true
#    closeFields: { status: { id: 42 } }  # your board's closed status
#    severityFields: { critical: { priority: { id: 1 } }, high: { priority: { id: 2 } } }
#    tenants:
#      contoso: { companyId: 250, boardId: 1 }
#  - id: jira
#    type: jira
#    endpoint: https://msp.atlassian.net
#    auth: { email: mfasweep@msp.example, apiToken: env:JIRA_API_TOKEN }
#    tenants:
#      contoso: { projectKey: CONTOSO, fields: { priority: { name: High } } }
#  - id: autotask
#    type: autotask                       # finds its zone from the API user name
#    auth: { username: api@msp.example, secret: env:AT_SECRET, integrationCode: env:AT_INTEGRATION_CODE }
#    fields: { status: 1, priority: 2 }   # the picklist values your instance requires
#    noteFields: { noteType: 1, publish: 1 }
#    tenants:
#      contoso: { companyId: 175, queueId: 29683500 }
#  - id: halo
#    type: halopsa
#    endpoint: https://msp.halopsa.com
#    auth: { clientId: mfasweep, clientSecret: env:HALO_CLIENT_SECRET }
#    tenants:
#      contoso: { clientId: 12, fields: { tickettype_id: 1 } }
#  - id: servicenow
#    type: servicenow
#    endpoint: https://msp.service-now.com
#    auth: { username: mfasweep.integration, password: env:SN_PASSWORD }
#    tenants:
#      contoso: { company: 0123456789abcdef0123456789abcdef, fields: { caller_id: mfasweep.integration } }
#  - id: hooks
#    type: webhook                        # Standard Webhooks signatures (whsec_ secret)
#    endpoint: https://automation.msp.example/mfasweep
#    auth: { secret: env:MFASWEEP_WEBHOOK_SECRET }
#    tenants: { contoso: {} }
`;
