/**
 * A FortiGate backup whose SSL-VPN signs in only through SAML to Entra (FortiOS `config user saml`, an
 * authentication rule naming a group whose one member is the SAML server): the VPN path is decided by
 * Entra's policies for the enterprise app `entityId`.
 */
export function fortigateSamlVpnBackup(entityId: string, entraTenantId: string): string {
  return `#config-version=FG100F-7.4.4-FW-build2662-240514:opmode=0:vdom=0:user=admin
config system admin
    edit "admin"
        set two-factor fortitoken
    next
end
config user saml
    edit "entra-sso"
        set entity-id "${entityId}/"
        set idp-entity-id "https://sts.windows.net/${entraTenantId}/"
    next
end
config user group
    edit "SSLVPN-Entra"
        set member "entra-sso"
    next
end
config vpn ssl settings
    set status enable
    config authentication-rule
        edit 1
            set groups "SSLVPN-Entra"
        next
    end
end
`;
}
