// The application-layer benchmark capture, bench/data/app-mix.pcap: real HTTP, TLS and DNS
// conversations from the corpus (../shared/corpus/pcaps) replayed many times over into one classic
// pcap, BENCH_MB megabytes (default 200; other sizes get the size in the name). Every copy of a
// conversation gets its own client address (10.a.b.c) and client ports, in both directions; the
// server side is kept. A new copy starts every 100-500 µs and keeps the conversation's own
// spacing of frames, so copies overlap, and a priority queue merges their frames in time order.
// A quarter of the copies are wrapped as AWS Traffic Mirroring sends them (outer Ethernet/IPv4/
// UDP to 4789, VXLAN flags 0x08, a VNI), like ../shared/tools/gen-pcap.mjs. Seeded, so the file is
// the same every time; written through an 8 MiB buffer, so memory does not grow with the size.
// Checksums: the rewritten IPv4 headers get new ones; UDP checksums are set to 0 ("none", which
// IPv4 allows) and TCP checksums are left stale: mirrorsense does not verify them (like zeek -C)
// and the benchmark runs Suricata with -k none. Next to the pcap, app-mix.json says what was
// written: copies of each conversation and the records they should give. Both are generated when
// either is missing, the pcap through a temporary name. The pcap, VXLAN and IPv4 headers and the
// priority queue come from test/helpers/wire.js and heap.js, shared with the evaluation scenario.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { MEGABYTES } from './captures.js';
import { readPcap } from './pcap-read.js';
import { dataDir, repoRoot } from './paths.js';
import { MinHeap } from '../../test/helpers/heap.js';
import {
  VXLAN_OUTER_BYTES, setIpv4Checksum, writePcapHeader, writePcapRecordHeader, writeVxlanOuter,
} from '../../test/helpers/wire.js';

const CORPUS = path.resolve(repoRoot, '..', 'shared', 'corpus', 'pcaps');

/**
 * The conversations, and the records one replay of each should give: what tshark decodes from it
 * (../shared/corpus/truth): one HTTP request and response, one TLS handshake, one DNS record per
 * query (three queries in a-aaaa-mx, two in tm1t).
 */
const CONVERSATIONS = [
  { file: 'http_get_wget.pcap', records: { http: 1 } },
  { file: 'http_post_curl.pcap', records: { http: 1 } },
  { file: 'http_post_edge-ua.pcap', records: { http: 1 } },
  { file: 'tls13_sni_ipv4.pcap', records: { ssl: 1 } },
  { file: 'tls12_selfsigned_selks.pcap', records: { ssl: 1 } },
  { file: 'dns_udp_a-aaaa-mx.pcap', records: { dns: 3 } },
  { file: 'dns_udp_tm1t.pcap', records: { dns: 2 } },
];
export const RECORD_PATHS = ['http', 'ssl', 'dns'];

const SEED = 1;
const VXLAN_SHARE = 0.25;
const START_US = 1_700_000_000 * 1e6;
const CHUNK = 8 << 20;
const LINKTYPE_ETHERNET = 1;
const TCP = 6;
const UDP = 17;
const TUNNEL_PORTS = [4789, 6081]; // VXLAN, GENEVE
const MIRROR_TARGET = ((10 << 24) | (255 << 16) | 10) >>> 0; // 10.255.0.10, as gen-pcap.mjs
const CLIENT_ADDRESSES = 255 * 256 * 254; // 10.0-254.0-255.1-254 (10.255/16 is the mirror's)

/** xorshift32, as gen-pcap.mjs: next() in [0, 1), int(n) in [0, n). */
function random(seed) {
  let s = seed >>> 0;
  const next = () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

/** An unfragmented, untunnelled Ethernet/IPv4 TCP or UDP frame's fields, or why the frame is not one. */
function ipv4Frame(data) {
  if (data.length < 34 || data.readUInt16BE(12) !== 0x0800) return 'not plain Ethernet/IPv4';
  const ihl = (data[14] & 0x0f) * 4;
  if (data[14] >> 4 !== 4 || ihl < 20) return 'a malformed IPv4 header';
  if ((data.readUInt16BE(20) & 0x3fff) !== 0) return 'an IPv4 fragment';
  const proto = data[23];
  if (proto !== TCP && proto !== UDP) return `IP protocol ${proto}, not TCP or UDP`;
  const l4 = 14 + ihl;
  if (data.length < l4 + (proto === TCP ? 20 : 8)) return 'cut inside its transport header';
  if (proto === UDP && [data.readUInt16BE(l4), data.readUInt16BE(l4 + 2)].some((p) => TUNNEL_PORTS.includes(p))) return 'a VXLAN or GENEVE tunnel';
  return { ihl, proto, src: data.readUInt32BE(26), dst: data.readUInt32BE(30), l4 };
}

/**
 * A corpus conversation ready to replay: { file, records, frames, clientPorts, bytes }, each frame
 * with its time offset and where its client address and port sit; or { file, skip: reason }.
 * The client is the sender of the first frame; every frame must come from it or go to it.
 */
function loadConversation({ file, records }) {
  const { linktype, frames } = readPcap(path.join(CORPUS, file));
  const skipped = (reason) => ({ file, skip: reason });
  if (linktype !== LINKTYPE_ETHERNET) return skipped(`link type ${linktype}, not Ethernet`);
  if (frames.length === 0) return skipped('no frames');
  const replay = [];
  const clientPorts = [];
  let client;
  let bytes = 0;
  for (const [i, { us, data, wireLength }] of frames.entries()) {
    const where = `frame ${i + 1}`;
    const ip = ipv4Frame(data);
    if (typeof ip === 'string') return skipped(`${where} is ${ip}`);
    if (wireLength !== data.length) return skipped(`${where} is cut by the snap length`);
    if (i > 0 && us < frames[i - 1].us) return skipped(`${where} goes back in time`);
    client ??= ip.src;
    const fromClient = ip.src === client;
    if (!fromClient && ip.dst !== client) return skipped(`${where} neither comes from nor goes to the client`);
    if ((fromClient ? ip.dst : ip.src) >>> 24 === 10) return skipped(`${where}: its server is in 10.0.0.0/8, where the copies' clients are`);
    const portAt = ip.l4 + (fromClient ? 0 : 2);
    const port = data.readUInt16BE(portAt);
    if (!clientPorts.includes(port)) clientPorts.push(port);
    replay.push({
      offset: us - frames[0].us,
      data,
      ihl: ip.ihl,
      addrAt: fromClient ? 26 : 30,
      portAt,
      portIndex: clientPorts.indexOf(port),
      udpSumAt: ip.proto === UDP ? ip.l4 + 6 : -1,
    });
    bytes += 16 + data.length;
  }
  return { file, records, frames: replay, clientPorts: clientPorts.length, bytes };
}

/** 10.a.b.c for copy i: a in 0..254, c in 1..254; reused only after 16.5 million copies (over an hour of capture). */
function clientAddress(i) {
  const n = i % CLIENT_ADDRESSES;
  return ((10 << 24) | (Math.floor(n / (256 * 254)) << 16) | ((Math.floor(n / 254) % 256) << 8) | (1 + (n % 254))) >>> 0;
}

/** The copy's next frame as a pcap record at b[pos]; returns the position after it. */
function writeFrame(b, pos, copy) {
  const frame = copy.conversation.frames[copy.next];
  const inner = frame.data.length;
  let o = writePcapRecordHeader(b, pos, Math.floor(copy.time / 1e6), copy.time % 1e6, inner + (copy.vxlan ? VXLAN_OUTER_BYTES : 0));
  if (copy.vxlan) {
    // MACs 02:00:00:00 and the address's low 16 bits, as gen-pcap.mjs
    o = writeVxlanOuter(b, o, {
      dstMac: MIRROR_TARGET & 0xffff, srcMac: copy.mirrorSource & 0xffff, src: copy.mirrorSource, dst: MIRROR_TARGET,
      ipId: copy.outerIpId, df: true, sport: copy.outerPort, vni: copy.vni, innerLength: inner,
    });
    copy.outerIpId = (copy.outerIpId + 1) & 0xffff;
  }
  frame.data.copy(b, o);
  b.writeUInt32BE(copy.client, o + frame.addrAt);
  b.writeUInt16BE(copy.ports[frame.portIndex], o + frame.portAt);
  if (frame.udpSumAt >= 0) b.writeUInt16BE(0, o + frame.udpSumAt);
  setIpv4Checksum(b, o + 14, frame.ihl);
  return o + inner;
}

/**
 * Writes the capture to `out`: copies are started until their frames add up to targetBytes, and
 * every copy started is written whole. Returns the manifest (what was written, what to expect).
 */
function writeAppCapture(out, targetBytes) {
  const loaded = CONVERSATIONS.map(loadConversation);
  const skipped = loaded.filter((c) => c.skip).map(({ file, skip }) => ({ file, reason: skip }));
  for (const s of skipped) process.stderr.write(`skipping ${s.file}: ${s.reason}\n`);
  const conversations = loaded.filter((c) => !c.skip).map((c) => ({ ...c, copies: 0 }));
  if (conversations.length === 0) throw new Error(`no usable conversation in ${CORPUS}`);
  const largest = Math.max(...conversations.flatMap((c) => c.frames.map((f) => f.data.length)));
  const buf = Buffer.alloc(CHUNK + 16 + VXLAN_OUTER_BYTES + largest);
  const rnd = random(SEED);

  const startCopy = (id, time) => {
    const conversation = conversations[rnd.int(conversations.length)];
    const ports = [];
    while (ports.length < conversation.clientPorts) {
      const port = 1024 + rnd.int(64512);
      if (!ports.includes(port)) ports.push(port);
    }
    return {
      id, conversation, time, start: time, next: 0, client: clientAddress(id), ports,
      vxlan: rnd.next() < VXLAN_SHARE,
      vni: 100 + rnd.int(4),
      mirrorSource: ((10 << 24) | (255 << 16) | (rnd.int(256) << 8) | (1 + rnd.int(254))) >>> 0,
      outerPort: 49152 + rnd.int(16384),
      outerIpId: rnd.int(65536),
    };
  };

  const fd = openSync(out, 'w');
  let pos = writePcapHeader(buf, 0, { snaplen: 262144, linkType: LINKTYPE_ETHERNET });
  let fileBytes = 0;
  let planned = 24;
  let copies = 0;
  let vxlanCopies = 0;
  let frames = 0;
  let nextStart = START_US;
  let lastTime = START_US;
  // active copies by the time of their next frame, then by copy number
  const queue = new MinHeap((a, b) => a.time < b.time || (a.time === b.time && a.id < b.id));
  for (;;) {
    if (planned < targetBytes && (queue.size === 0 || nextStart <= queue.peek().time)) {
      const copy = startCopy(copies++, nextStart);
      copy.conversation.copies++;
      if (copy.vxlan) vxlanCopies++;
      planned += copy.conversation.bytes + (copy.vxlan ? VXLAN_OUTER_BYTES * copy.conversation.frames.length : 0);
      queue.push(copy);
      nextStart += 100 + rnd.int(401);
      continue;
    }
    const copy = queue.pop();
    if (!copy) break;
    if (copy.time < lastTime) throw new Error(`app capture: time went back at frame ${frames + 1}`);
    lastTime = copy.time;
    pos = writeFrame(buf, pos, copy);
    frames++;
    if (pos > CHUNK) {
      writeSync(fd, buf, 0, pos);
      fileBytes += pos;
      pos = 0;
    }
    if (++copy.next < copy.conversation.frames.length) {
      copy.time = copy.start + copy.conversation.frames[copy.next].offset;
      queue.push(copy);
    }
  }
  writeSync(fd, buf, 0, pos);
  closeSync(fd);
  fileBytes += pos;

  const expected = Object.fromEntries(RECORD_PATHS.map((p) => [p, 0]));
  for (const c of conversations) for (const [p, n] of Object.entries(c.records)) expected[p] += n * c.copies;
  return {
    seed: SEED,
    megabytes: MEGABYTES,
    vxlanShare: VXLAN_SHARE,
    fileBytes,
    frames,
    copies,
    vxlanCopies,
    captureSeconds: (lastTime - START_US) / 1e6,
    conversations: conversations.map((c) => ({ file: c.file, copies: c.copies, framesEach: c.frames.length, recordsEach: c.records })),
    skipped,
    expected,
  };
}

/** The capture, generated if it or its manifest is missing: { name, file, ...manifest }. */
export function ensureAppCapture() {
  mkdirSync(dataDir, { recursive: true });
  const base = path.join(dataDir, `app-mix${MEGABYTES === 200 ? '' : `-${MEGABYTES}mb`}`);
  const file = `${base}.pcap`;
  const manifestFile = `${base}.json`;
  if (!existsSync(file) || !existsSync(manifestFile)) {
    process.stderr.write(`generating ${file} (${MEGABYTES} MB of replayed HTTP, TLS and DNS, ${VXLAN_SHARE * 100}% VXLAN)\n`);
    const partial = `${file}.partial`;
    const manifest = writeAppCapture(partial, MEGABYTES * 1e6);
    writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(partial, file);
  }
  return { name: 'app-mix', file, ...JSON.parse(readFileSync(manifestFile, 'utf8')) };
}
