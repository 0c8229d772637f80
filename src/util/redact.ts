/**
 * URLs in error text, with what can carry a credential taken out: the userinfo (`user:password@`) and the
 * values of query parameters whose names say they hold one (`token`, `sig`, `api_key`, ...). Libraries put
 * whole request URLs into their error messages (undici: "Request cannot be constructed from a URL that
 * includes credentials: https://user:secret@..."), and every error mfasweep shows or stores passes here
 * (issue #19 item 8).
 */

/** A URL with an authority (`scheme://...`), up to the first character no URL contains unescaped. */
const urlPattern = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s"'<>`]*)/gi;

/** Query parameter names that carry a credential (lower case, compared without `-`/`_`). */
const secretParams = new Set([
  "token",
  "accesstoken",
  "refreshtoken",
  "idtoken",
  "apikey",
  "key",
  "secret",
  "clientsecret",
  "password",
  "passwd",
  "pwd",
  "sig",
  "signature",
  "code",
  "auth",
  "authorization",
  "credential",
  "credentials",
  "session",
  "sessionid",
  "xamzsignature",
  "xamzcredential",
  "xamzsecuritytoken",
]);

export const redacted = "REDACTED";

function redactQuery(query: string): string {
  return query
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      let plain = name;
      try {
        plain = decodeURIComponent(name);
      } catch {
        // A malformed escape: compare the raw name.
      }
      return secretParams.has(plain.toLowerCase().replace(/[-_]/g, "")) ? `${name}=${redacted}` : pair;
    })
    .join("&");
}

/** One URL's text (after the scheme) without userinfo and secret query values. */
function redactRest(rest: string): string {
  // The authority ends at the first `/`, `?` or `#`; a userinfo is everything in it up to its last `@`.
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  let tail = end < 0 ? "" : rest.slice(end);
  const at = authority.lastIndexOf("@");
  const host = at < 0 ? authority : `${redacted}@${authority.slice(at + 1)}`;
  const q = tail.indexOf("?");
  if (q >= 0) {
    const hash = tail.indexOf("#", q);
    const query = hash < 0 ? tail.slice(q + 1) : tail.slice(q + 1, hash);
    tail = `${tail.slice(0, q + 1)}${redactQuery(query)}${hash < 0 ? "" : tail.slice(hash)}`;
  }
  return `${host}${tail}`;
}

/** `text` with every URL in it redacted; text without URLs is returned unchanged. */
export function redactUrls(text: string): string {
  if (!text.includes("://")) return text;
  return text.replace(urlPattern, (_, scheme: string, rest: string) => `${scheme}${redactRest(rest)}`);
}

/** True when a URL setting carries a user name or password (`https://user:secret@host`). */
export function hasUserinfo(value: string): boolean {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(value.trim());
  return match?.[1]?.includes("@") ?? false;
}
