// Which addresses are inside the network (devices) and which are external endpoints, and the
// registrable domain of a hostname (tldts, the public suffix list) for domain-level rarity.

import { getDomain } from 'tldts';
import { BlockList, isIP } from 'node:net';

const internal = new BlockList();
for (const [net, bits] of [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10],
  ['127.0.0.0', 8], ['169.254.0.0', 16], ['0.0.0.0', 8], ['224.0.0.0', 4], ['255.255.255.255', 32]] as const) {
  internal.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [['fc00::', 7], ['fe80::', 10], ['::1', 128], ['ff00::', 8], ['::', 128]] as const) {
  internal.addSubnet(net, bits, 'ipv6');
}

/** Private, shared (CGNAT), loopback, link-local and multicast addresses are not external. */
export function isExternal(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  return !internal.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/** The registrable domain (eTLD+1) of a hostname (without a port), or undefined for an IP or an
 *  unknown suffix. */
export function registrableDomain(hostname: string | undefined): string | undefined {
  if (!hostname || isIP(hostname) !== 0) return undefined;
  return getDomain(hostname) ?? undefined;
}
