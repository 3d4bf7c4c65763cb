/**
 * The security headers on every answer (docs/security.md, "HTTP hygiene"), through
 * `hono/secure-headers`. The built client is one module script, one stylesheet and self-hosted
 * fonts, all from /assets, so the policy allows only this origin: no inline script, no eval, no
 * framing, no plugins.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

export interface SecurityHeaderOptions {
  /**
   * The address people open (`TEIAN_PUBLIC_URL`); when it is https, browsers are also told to keep
   * to https (HSTS). Undefined: the server is reached by whatever host the request names.
   */
  publicUrl?: URL | undefined;
}

/** Host names and ports only: the host comes from the client's Host header, and must not add directives. */
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * @example app.use(securityHeaders({ publicUrl: config.publicUrl }))
 */
export function securityHeaders({ publicUrl }: SecurityHeaderOptions = {}): MiddlewareHandler {
  // CSP 3 lets 'self' match ws: and wss: of the same host; older Safari needs them spelt out.
  const websocketOrigin = publicUrl
    ? () => `${publicUrl.protocol === 'https:' ? 'wss' : 'ws'}://${publicUrl.host}`
    : (c: Context) => {
        const url = new URL(c.req.url);
        if (!HOST.test(url.host)) return "'self'";
        return `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}`;
      };
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      // Svelte sets style: directives through the CSSOM (element.style), which CSP allows.
      styleSrc: ["'self'"],
      // Vite inlines the smallest font subsets (under 4 KiB) into the stylesheet as data: URLs.
      fontSrc: ["'self'", 'data:'],
      imgSrc: ["'self'"],
      connectSrc: ["'self'", websocketOrigin],
      workerSrc: ["'self'"],
      manifestSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    // Only behind https: on the facility's plain-http LAN it would mean nothing (browsers ignore
    // it over http), and includeSubDomains is not ours to decide for a facility's domain.
    strictTransportSecurity: publicUrl?.protocol === 'https:' ? 'max-age=15552000' : false,
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
  });
}
