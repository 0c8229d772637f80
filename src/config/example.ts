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
  # The MSP's own tenant (role: msp): judged under the msp-self profile, and its Entra connection is the
  # multi-tenant app that reaches every customer. With it alone, customers are added by:
  #   mfasweep tenants discover --from gdap --dry-run      (then without --dry-run; or --from csv FILE)
  #   mfasweep tenants consent-url TENANT                  (the admin-consent URL of the app, per customer)
  - id: msp
    name: Our MSP
    role: msp
    connections:
      # Graph application permissions of the app: see README "Microsoft Entra ID"; for GDAP discovery
      # also DelegatedAdminRelationship.Read.All. The groups holding GDAP roles are found from the GDAP
      # access assignments; customerAccessGroups adds groups that reach customers otherwise.
      - type: entra
        tenantId: 00000000-0000-0000-0000-000000000000   # the MSP's directory id
        breakGlassAccounts: [breakglass@msp.example]
        auth:
          method: client-certificate       # or client-secret (secret: env:NAME), or access-token
          clientId: 11111111-1111-1111-1111-111111111111
          certificate: file:/etc/mfasweep/msp-app.pem   # PEM with certificate and private key
      # The MSP's RMM (NinjaOne): technicians who reach every customer.
      - type: ninjaone
        instance: eu                       # app (US), eu, oc, ca, us2, fed
        sso: { identityProvider: entra }   # optional: who decides for authType SSO users
        auth: { method: client-credentials, clientId: mfasweep, clientSecret: env:NINJA_SECRET }

  # One entry per customer. The id appears in fingerprints and tickets: keep it stable. This one shows
  # every connection type; keep those the customer has, delete the others (README of each provider).
  - id: contoso
    name: Contoso Ltd
    connections:
      # Microsoft Entra ID: the MSP's app, consented in the customer's directory.
      - type: entra
        tenantId: 22222222-2222-2222-2222-222222222222   # the customer's directory id (or a verified domain)
        auth: { method: client-certificate, clientId: 11111111-1111-1111-1111-111111111111, certificate: file:/etc/mfasweep/msp-app.pem }
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
      - type: okta
        orgUrl: https://contoso.okta.com
        auth: { method: private-key, clientId: 0oa1b2c3d4e5f6g7h8i9, privateKey: file:/etc/mfasweep/contoso-okta.pem }
      - type: duo
        apiHost: api-xxxxxxxx.duosecurity.com
        auth: { method: hmac, integrationKey: env:CONTOSO_DUO_IKEY, secretKey: file:/etc/mfasweep/contoso-duo-skey }
      # Remote access and RMM consoles, read through their APIs:
      - type: fortigate
        host: fw01.contoso.example         # or backupFile: /backups/fw01.conf
        auth: { method: api-token, token: env:CONTOSO_FW01_TOKEN }
      - type: globalprotect
        host: fw02.contoso.example         # or configFile: /exports/running-config.xml
        auth: { method: api-key, key: env:CONTOSO_PANOS_KEY }
      - type: beyondtrust
        site: support.contoso.example
        product: remote-support            # or privileged-remote-access
        auth: { method: client-credentials, clientId: mfasweep, clientSecret: env:CONTOSO_BT_SECRET }
      - type: connectwise-automate
        server: contoso.hostedrmm.com
        clientId: 33333333-3333-3333-3333-333333333333
        auth: { method: credentials, username: mfasweep-api, password: env:CONTOSO_AUTOMATE_PASSWORD }
      - type: datto-rmm
        platform: merlot
        auth: { method: api-key, apiKey: env:CONTOSO_DATTO_KEY, apiSecret: env:CONTOSO_DATTO_SECRET }
      - type: teamviewer
        auth: { method: script-token, token: env:CONTOSO_TEAMVIEWER_TOKEN }
      - type: tactical-rmm
        console: https://rmm.contoso.example
        database: { host: 127.0.0.1, port: 5432, name: tacticalrmm, user: mfasweep, password: env:CONTOSO_TRMM_DB_PASSWORD, ssl: disable }
      # Hosts read over SSH with a read-only audit account.
      - type: ssh
        username: mfasweep
        auth: { method: private-key, privateKey: file:/etc/mfasweep/id_ed25519 }
        knownHosts: /etc/mfasweep/known_hosts
        hosts:
          - host: bastion.contoso.example
      # Read from exported files (paths relative to where mfasweep runs):
      - type: azure-vpn
        exports: [./snapshots/contoso/gateways.json]      # az network vnet-gateway list -o json
      - type: cisco-asa
        runningConfig: ./snapshots/contoso/asa.txt
      - type: nps-extension
        frontEnds:
          - name: rdg.contoso.example
            frontEnd: rd-gateway             # rd-gateway | rras
            npsServer: nps01.contoso.example
            registryExport: ./snapshots/contoso/nps01-azuremfa.reg
      - type: openvpn
        servers:
          - { edition: community, name: vpn.contoso.example, config: ./snapshots/contoso/openvpn/server.conf }
      - type: screenconnect
        name: https://support.contoso.example
        directory: ./snapshots/contoso/screenconnect   # copy of C:\\Program Files (x86)\\ScreenConnect
        version: 23.9.8.8811
      - type: wireguard
        interfaces: [{ file: ./snapshots/contoso/wg0.conf }]
      # Tools without an MFA API: what the MSP attests, with who checked it and until when.
      - type: attestation
        file: ./attestations/contoso.yaml

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
