// Which addresses are inside the network (devices) and which are external endpoints, and the
// registrable domain of a hostname (tldts, the public suffix list) for domain-level rarity.
// isExternal runs twice per connection: IPv4 is parsed and matched by arithmetic (node:net's
// BlockList allocates a SocketAddress per check); IPv6 goes to a BlockList.

import { getDomain } from 'tldts';
import { BlockList, isIP } from 'node:net';

const INTERNAL_V4 = [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10], ['127.0.0.0', 8],
  ['169.254.0.0', 16], ['0.0.0.0', 8], ['224.0.0.0', 4], ['255.255.255.255', 32]] as const;

/** A dotted-quad IPv4 address as a 32-bit number, or -1 when it is not one. */
function ipv4(ip: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46 /* . */ && digits > 0 && dots < 3) {
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57 && digits < 3 && !(digits === 1 && part === 0)) { // no leading zeros, as isIP
      part = part * 10 + c - 48;
      digits++;
      if (part > 255) return -1;
    } else {
      return -1;
    }
  }
  return dots === 3 && digits > 0 ? value * 256 + part : -1;
}

/** Each internal IPv4 network as the shift that leaves its prefix, and that prefix. */
const internalV4 = INTERNAL_V4.map(([net, bits]) => ({ shift: 32 - bits, prefix: ipv4(net) >>> (32 - bits) }));

const internalV6 = new BlockList();
for (const [net, bits] of [['fc00::', 7], ['fe80::', 10], ['::1', 128], ['ff00::', 8], ['::', 128]] as const) {
  internalV6.addSubnet(net, bits, 'ipv6');
}

/** Private, shared (CGNAT), loopback, link-local and multicast addresses are not external. */
export function isExternal(ip: string): boolean {
  const v4 = ipv4(ip);
  if (v4 >= 0) {
    for (const { shift, prefix } of internalV4) if (v4 >>> shift === prefix) return false;
    return true;
  }
  return isIP(ip) === 6 && !internalV6.check(ip, 'ipv6');
}

/** The registrable domain (eTLD+1) of a hostname (without a port), or undefined for an IP or an
 *  unknown suffix. */
export function registrableDomain(hostname: string | undefined): string | undefined {
  if (!hostname || isIP(hostname) !== 0) return undefined;
  return getDomain(hostname) ?? undefined;
}
