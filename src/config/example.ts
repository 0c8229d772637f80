/** What `mfasweep init` writes: every field commented, secrets only as references. */
export const exampleConfig = `# mfasweep configuration. Editors autocomplete it with:  mfasweep config schema > mfasweep.schema.json
# Secrets are never written here: use env:NAME (an environment variable) or file:PATH (a file, chmod 600).
version: 1

# Lowest severity that makes scan/sweep exit 1 (critical, high, medium, low, info).
failOn: low

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
#  - match: { tenant: contoso, policy: google-user-2sv-enforced, subject: kiosk@contoso.example }
#    reason: Shared kiosk account, sign-in limited to the front-desk device by Context-Aware Access
#    approvedBy: security@msp.example
#    expires: 2027-03-31
`;
