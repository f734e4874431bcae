// Ground truth: what the scenario's attacks are, for the scorer (score.ts) and for tests.

/** One thing a model should find: a device talking to an endpoint over a span of time. */
export interface Label {
  id: string;
  /** A model id from ../shared/DESIGN.md. */
  model: string;
  /** The device's (inner) address. */
  device: string;
  /** The endpoint's address. */
  endpoint: string;
  hostname?: string;
  /** ISO times: the attack's first and last packet (its DNS lookups included). */
  from: string;
  to: string;
  /**
   * attack (the attack's id; an attack has a label per model), kind (beacon, failed_burst,
   * upload), and per kind:
   *   beacon: period_s, jitter (interval = period × (1 + U(-jitter, jitter))), missed (the
   *     fraction of beats skipped), transport (BeaconTransport), port, duration_s, beats (sent),
   *     scheduled_beats, uri (HTTP transports);
   *   failed_burst: attempts, rst (answered by RST), unanswered, ports;
   *   upload: bytes_out (application bytes), port.
   */
  details: Record<string, unknown>;
}

export type BeaconTransport = 'https' | 'http-ip' | 'http-keepalive' | 'tls-keepalive';

export const BEACON_TRANSPORTS: Record<BeaconTransport, string> = {
  https: 'a new TLS connection per beat, with SNI (and a DNS lookup when the answer has expired)',
  'http-ip': 'a new TCP connection per beat: an HTTP POST to the bare IP address (no DNS, Host is the IP)',
  'http-keepalive': 'one long-lived HTTP/1.1 connection, a request per beat',
  'tls-keepalive': 'one long-lived TLS session, an application-data burst per beat',
};
