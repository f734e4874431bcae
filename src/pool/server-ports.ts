// Zeek's likely_server_ports as its default scripts register them (the ports of the protocol
// analyzers it ships): a new connection whose first packet comes from one of these ports, to one
// that is not, is taken to have been opened by the other side (history '^').

export const LIKELY_SERVER_PORTS: readonly number[] = [
  21, 22, 23, 25, 53, 67, 68, 69, 80, 81, 88, 102, 110, 111, 119, 123, 135, 137, 138, 139, 143, 161, 162,
  179, 389, 443, 445, 464, 465, 502, 514, 563, 585, 587, 614, 631, 636, 989, 990, 992, 993, 995, 1080,
  1194, 1433, 1812, 1813, 2049, 2152, 2123, 2811, 3128, 3306, 3389, 3544, 4789, 5060, 5061, 5223, 5353,
  5355, 5432, 6081, 6379, 6666, 6667, 6668, 6669, 8000, 8080, 8443, 8888, 20000,
];
