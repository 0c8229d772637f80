/** FortiOS configuration text for tests, in the shape of a `show full-configuration` backup (reference §2.1). */

export const entraTenant = "4f1c0a37-6c2b-4b55-9d0e-2f6a1c9e8b11";

export function conditionsConfig(options: { reqclientcert?: boolean } = {}): string {
  return `#config-version=FG100F-7.4.4-FW-build2662-240514:opmode=0:vdom=0:user=admin
config system admin
    edit "admin"
        set accprofile "super_admin"
        set two-factor disable
    next
    edit "noc"
        set accprofile "super_admin"
        set two-factor fortitoken
    next
    edit "radius-admin"
        set remote-auth enable
        set remote-group "RADIUS-ADMINS"
        set two-factor disable
    next
    edit "nofield"
        set accprofile "prof_admin"
    next
end
config user local
    edit "pw-only"
        set status enable
        set type password
        set two-factor disable
    next
    edit "tok"
        set type password
        set two-factor fortitoken
        set fortitoken "FTKMOB1"
    next
    edit "mail"
        set type password
        set two-factor email
        set email-to "mail@acme.example"
    next
    edit "off"
        set status disable
        set type password
        set two-factor disable
    next
    edit "ldapuser"
        set type ldap
        set ldap-server "corp-ldap"
        set two-factor disable
    next
    edit "nofield"
        set type password
    next
end
config user ldap
    edit "corp-ldap"
        set server "10.0.0.5"
        set two-factor disable
    next
end
config user radius
    edit "corp-radius"
        set server "10.0.0.9"
    next
    edit "nps-radius"
        set server "10.0.0.10"
    next
end
config user saml
    edit "entra-sso"
        set entity-id "https://vpn.acme.example:10443/remote/saml/metadata"
        set idp-entity-id "https://sts.windows.net/${entraTenant}/"
    next
    edit "okta-sso"
        set entity-id "https://vpn.acme.example:10443/remote/saml/okta"
        set idp-entity-id "http://www.okta.com/exk1abcdef"
    next
end
config user group
    edit "VPN"
        set member "pw-only" "tok" "mail" "off" "ldapuser" "nofield" "corp-ldap" "corp-radius" "nps-radius" "entra-sso" "okta-sso" "missing-thing"
    next
    edit "VPN-X"
        set member "tok"
    next
end
config vpn ssl settings
    set status enable
    set reqclientcert ${options.reqclientcert ? "enable" : "disable"}
    config authentication-rule
        edit 1
            set groups "VPN"
        next
    end
end
config vpn ipsec phase1-interface
    edit "dial-psk"
        set type dynamic
        set authmethod psk
        set xauthtype disable
        set eap disable
    next
    edit "dial-xauth"
        set type dynamic
        set xauthtype auto
        set authusrgrp "VPN-X"
        set eap disable
    next
    edit "dial-eap"
        set type dynamic
        set xauthtype disable
        set eap enable
        set authusrgrp "VPN-X"
    next
    edit "dial-nodefault"
        set type dynamic
    next
    edit "site"
        set type static
        set remote-gw 203.0.113.9
    next
end
`;
}

/** A multi-VDOM backup: admins in `config global`, VPN users per VDOM. */
export const multiVdomConfig = `#config-version=FG100F-7.4.4-FW-build2662-240514:opmode=0:vdom=1:user=admin
config vdom
edit root
next
edit blue
next
end
config global
config system admin
    edit "admin"
        set two-factor fortitoken
    next
end
end
config vdom
edit root
config user local
    edit "alice"
        set two-factor disable
    next
end
config vpn ssl settings
    set status enable
    config authentication-rule
        edit 1
            set users "alice"
        next
    end
end
next
edit blue
config user local
    edit "bob"
        set two-factor fortitoken-cloud
    next
end
config firewall policy
    edit 7
        set srcintf "ssl.blue"
        set dstintf "lan"
        set action accept
        set users "bob"
    next
end
next
end
`;

/**
 * A plain `show` backup (System > Configuration > Backup): settings at their default are left out, so no
 * `set two-factor disable`, `set xauthtype disable` or `set eap disable` appears anywhere.
 */
export const plainShowConfig = `#config-version=FG100F-7.4.6-FW-build2702-241203:opmode=0:vdom=0:user=admin
config system admin
    edit "admin"
        set accprofile "super_admin"
        set vdom "root"
        set password ENC SH2not-a-real-hash
    next
    edit "noc"
        set accprofile "super_admin"
        set vdom "root"
        set two-factor fortitoken
        set fortitoken "FTKMOB2"
    next
end
config user local
    edit "alice"
        set type password
        set passwd ENC not-a-real-hash
    next
    edit "bob"
        set type password
        set two-factor fortitoken
        set fortitoken "FTKMOB1"
        set passwd ENC not-a-real-hash
    next
    edit "carol"
        set type password
        set passwd ENC not-a-real-hash
    next
end
config user group
    edit "VPN"
        set member "alice" "bob"
    next
end
config vpn ssl settings
    set servercert "Fortinet_Factory"
    set port 10443
    config authentication-rule
        edit 1
            set groups "VPN"
            set portal "full-access"
        next
    end
end
config firewall policy
    edit 3
        set name "vpn-to-old-lan"
        set srcintf "ssl.root"
        set dstintf "port2"
        set srcaddr "all"
        set dstaddr "all"
        set service "ALL"
        set users "carol"
    next
end
config vpn ipsec phase1-interface
    edit "dialup"
        set type dynamic
        set interface "wan1"
        set peertype any
        set psksecret ENC not-a-real-secret
    next
    edit "dialup-x"
        set type dynamic
        set interface "wan1"
        set peertype any
        set xauthtype auto
        set authusrgrp "VPN"
        set psksecret ENC not-a-real-secret
    next
end
`;
