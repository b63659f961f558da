/**
 * Rate-limit buckets (FRAUD-03, RATE-06): every spelling of one client or destination lands in
 * one bucket. IPv6 text handling is checked against an independent implementation, the WHATWG
 * URL parser (`new URL("http://[…]")`), which validates IPv6 and prints it in RFC 5952 form.
 */
import { isMfaError } from "@mfakit/core";
import { parseRecoveryEmail } from "@mfakit/core/rules";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { destinationBucket, ipBucket, MAX_IP_LENGTH } from "../src/limits/buckets.js";
import { mfaErrorOf } from "./rules-support.js";

const runs = { numRuns: 2_000 };

/** The WHATWG URL parser's canonical text of an IPv6 address, or null when it refuses it. */
function urlIpv6(text: string): string | null {
  try {
    return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
}

// --- generators --------------------------------------------------------------------------------

const group = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
const groups = fc.array(group, { minLength: 8, maxLength: 8 });

/** Every way of writing `gs`: padding, case, "::" over any zero run, an IPv4 tail. */
const spelling = (gs: readonly number[]) =>
  fc
    .record({
      pads: fc.array(fc.nat(3), { minLength: 8, maxLength: 8 }),
      upper: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      compress: fc.nat(),
      ipv4Tail: fc.boolean(),
    })
    .map(({ pads, upper, compress, ipv4Tail }) => {
      const hex = gs.map((g, i) => {
        const h = g.toString(16);
        const padded = "0".repeat(Math.min(pads[i] ?? 0, 4 - h.length)) + h;
        return upper[i] ? padded.toUpperCase() : padded;
      });
      const [g6 = 0, g7 = 0] = gs.slice(6);
      const tail = ipv4Tail ? [`${g6 >> 8}.${g6 & 0xff}.${g7 >> 8}.${g7 & 0xff}`] : hex.slice(6);
      const parts = [...hex.slice(0, 6), ...tail];
      // Zero runs that "::" may stand for (not across the IPv4 tail).
      const runs: Array<[number, number]> = [];
      for (let i = 0; i < 6 + (ipv4Tail ? 0 : 2); i++) {
        for (let j = i; j < 6 + (ipv4Tail ? 0 : 2) && gs[j] === 0; j++) runs.push([i, j + 1]);
      }
      const run = runs.length > 0 && compress % 3 !== 0 ? runs[compress % runs.length] : undefined;
      if (run === undefined) return parts.join(":");
      const partsAt = (from: number, to: number) =>
        ipv4Tail && to > 6 ? [...parts.slice(from, 6), ...tail] : parts.slice(from, to);
      return `${partsAt(0, run[0]).join(":")}::${partsAt(run[1], 8).join(":")}`;
    });

const isMapped = (gs: readonly number[]) =>
  gs.slice(0, 5).every((g) => g === 0) && gs[5] === 0xffff;

/** What ipBucket must answer for the address `gs`, computed with the URL parser. */
function expectedBucket(gs: readonly number[]): string {
  if (isMapped(gs)) {
    const [g6 = 0, g7 = 0] = gs.slice(6);
    return `${g6 >> 8}.${g6 & 0xff}.${g7 >> 8}.${g7 & 0xff}`;
  }
  const network = gs.map((g, i) => (i < 4 ? g : 0).toString(16)).join(":");
  return `${urlIpv6(network)}/64`;
}

// --- ipBucket ------------------------------------------------------------------------------------

describe("ipBucket (RATE-06, FRAUD-03)", () => {
  it.each([
    ["IPv4", "192.0.2.1", "192.0.2.1"],
    ["IPv4 edges", "0.0.0.0", "0.0.0.0"],
    ["IPv4 top", "255.255.255.255", "255.255.255.255"],
    ["IPv4-mapped, dotted", "::ffff:192.0.2.1", "192.0.2.1"],
    ["IPv4-mapped, upper case", "::FFFF:192.0.2.1", "192.0.2.1"],
    ["IPv4-mapped, hex", "::ffff:c000:201", "192.0.2.1"],
    ["IPv4-mapped, uncompressed", "0:0:0:0:0:ffff:192.0.2.1", "192.0.2.1"],
    ["IPv4-mapped, padded", "0000:0000:0000:0000:0000:FFFF:C000:0201", "192.0.2.1"],
    ["IPv6 host in a /64", "2001:db8:0:1:aaaa:bbbb:cccc:dddd", "2001:db8:0:1::/64"],
    [
      "IPv6 upper case, leading zeros",
      "2001:0DB8:0000:0001:0000:0000:0000:0001",
      "2001:db8:0:1::/64",
    ],
    ["IPv6 compressed inside the network", "2001:db8::1", "2001:db8::/64"],
    ["IPv6 zero run in the network", "2001:0:0:1::1", "2001:0:0:1::/64"],
    ["IPv6 loopback", "::1", "::/64"],
    ["IPv6 unspecified", "::", "::/64"],
    ["IPv6 trailing ::", "2001:db8:1:2:3:4:5::", "2001:db8:1:2::/64"],
    ["IPv6 with an IPv4 tail, not mapped", "64:ff9b::192.0.2.1", "64:ff9b::/64"],
    ["IPv4-compatible (deprecated) is plain IPv6", "::192.0.2.1", "::/64"],
    ["IPv6 full network", "fe80:1:2:3:4:5:6:7", "fe80:1:2:3::/64"],
  ])("%s: %s → %s", (_what, ip, bucket) => {
    expect(ipBucket(ip)).toBe(bucket);
  });

  it("RATE-06: 8 addresses of one /64 share one bucket; another /64 is another bucket", () => {
    const hosts = [
      "2001:db8:a:b::1",
      "2001:db8:a:b::2",
      "2001:db8:a:b::abcd",
      "2001:db8:a:b:1::",
      "2001:db8:a:b:ffff:ffff:ffff:ffff",
      "2001:DB8:A:B::9",
      "2001:0db8:000a:000b:0:0:0:0",
      "2001:db8:a:b:0:5efe:192.0.2.1",
    ].map(ipBucket);
    expect(new Set(hosts)).toEqual(new Set(["2001:db8:a:b::/64"]));
    expect(ipBucket("2001:db8:a:c::1")).toBe("2001:db8:a:c::/64");
  });

  it.each([
    ["empty", ""],
    ["three IPv4 parts", "192.0.2"],
    ["five IPv4 parts", "192.0.2.1.5"],
    ["an IPv4 part over 255", "192.0.2.256"],
    ["an IPv4 leading zero (octal to inet_aton)", "192.0.02.1"],
    ["IPv4 in hex", "0xc0.0.2.1"],
    ["an IPv4 integer", "3221225985"],
    ["an IPv4 port", "192.0.2.1:443"],
    ["an IPv6 port in brackets", "[2001:db8::1]:443"],
    ["brackets", "[2001:db8::1]"],
    ["a zone", "fe80::1%eth0"],
    ["a prefix length", "2001:db8::/64"],
    ["two ::", "2001::db8::1"],
    ["nine groups", "1:2:3:4:5:6:7:8:9"],
    ["seven groups, no ::", "1:2:3:4:5:6:7"],
    [":: standing for no group", "1:2:3:4::5:6:7:8"],
    ["a five-digit group", "2001:db8::12345"],
    ["a non-hex letter", "2001:db8::g"],
    ["a leading single colon", ":1:2:3:4:5:6:7"],
    ["a trailing single colon", "1:2:3:4:5:6:7:"],
    [":::", ":::"],
    ["an IPv4 tail before ::", "1.2.3.4::"],
    ["an IPv4 part in the middle", "::1.2.3.4:5"],
    ["an IPv4 tail with a leading zero", "::ffff:192.0.2.01"],
    ["spaces", " 192.0.2.1"],
    ["a newline", "192.0.2.1\n"],
    ["Arabic-Indic digits", "١٩٢.٠.٢.١"],
    ["full-width digits", "１９２.０.２.１"],
    ["an emoji", "🌐"],
    ["a lone surrogate", "\uD800::1"],
    ["a NUL", "192.0.2.1\u0000"],
    ["a host name", "localhost"],
    ["a 1 MB string", "1".repeat(1024 * 1024)],
    ["46 characters", `${"0:".repeat(7)}${"0".repeat(MAX_IP_LENGTH + 1 - 14)}`],
  ])("RATE-06: invalid_input naming the field ip: %s", (_what, ip) => {
    expect(mfaErrorOf(() => ipBucket(ip))).toEqual({
      code: "invalid_input",
      data: { field: "ip" },
    });
  });

  it("RATE-06: a value that is not a string is invalid_input, not a crash", () => {
    for (const ip of [undefined, null, 3221225985, { toString: () => "192.0.2.1" }]) {
      expect(mfaErrorOf(() => ipBucket(ip as unknown as string)).data.field).toBe("ip");
    }
  });

  it("RATE-06: property: every spelling of an IPv6 address has the bucket of its /64 (URL parser as oracle)", () => {
    fc.assert(
      fc.property(
        groups.chain((gs) => fc.tuple(fc.constant(gs), spelling(gs))),
        ([gs, text]) => {
          expect(urlIpv6(text)).not.toBeNull(); // the generator writes only valid addresses
          expect(ipBucket(text)).toBe(expectedBucket(gs));
        },
      ),
      runs,
    );
  });

  it("RATE-06: property: two addresses with the same first 64 bits share a bucket, and only they", () => {
    fc.assert(
      fc.property(groups, groups, (a, b) => {
        fc.pre(!isMapped(a) && !isMapped(b));
        const same = a.slice(0, 4).every((g, i) => g === b[i]);
        const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(":");
        expect(ipBucket(hex(a)) === ipBucket(hex(b))).toBe(same);
        const sibling = [...a.slice(0, 4), ...b.slice(4)];
        fc.pre(!isMapped(sibling));
        expect(ipBucket(hex(sibling))).toBe(ipBucket(hex(a)));
      }),
      runs,
    );
  });

  it("RATE-06: property: IPv4 and its mapped IPv6 forms share a bucket", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(255), { minLength: 4, maxLength: 4 }), (bytes) => {
        const v4 = bytes.join(".");
        const [a = 0, b = 0, c = 0, d = 0] = bytes;
        const hex = `::ffff:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
        expect(ipBucket(v4)).toBe(v4);
        expect(ipBucket(`::ffff:${v4}`)).toBe(v4);
        expect(ipBucket(hex.toUpperCase())).toBe(v4);
      }),
      runs,
    );
  });

  it("RATE-06: property: arbitrary text over the IP alphabet is accepted exactly when the URL parser (or strict dotted IPv4) accepts it", () => {
    const alphabet = fc.constantFrom(..."0123456789abcdefABCDEF:.:::");
    const strictV4 =
      /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: MAX_IP_LENGTH }), (text) => {
        const oracle = strictV4.test(text) || urlIpv6(text) !== null;
        let ours: string | null = null;
        try {
          ours = ipBucket(text);
        } catch (e) {
          expect(isMfaError(e, "invalid_input")).toBe(true);
        }
        expect(ours !== null).toBe(oracle);
        // The same address however the URL parser prints it: the bucket depends on the value.
        const canonical = urlIpv6(text);
        if (ours !== null && canonical !== null) expect(ipBucket(canonical)).toBe(ours);
      }),
      { numRuns: 10_000 },
    );
  });

  it("RATE-06: property: an IPv6 bucket is printed in canonical (RFC 5952 / WHATWG) form", () => {
    fc.assert(
      fc.property(groups, (gs) => {
        fc.pre(!isMapped(gs));
        const network = ipBucket(gs.map((g) => g.toString(16)).join(":")).slice(0, -"/64".length);
        expect(urlIpv6(network)).toBe(network);
      }),
      runs,
    );
  });
});

// --- destinationBucket --------------------------------------------------------------------------

describe("destinationBucket (FRAUD-03, PHONE-01)", () => {
  it.each([
    ["E.164 is its own bucket", "+447400123456", "+447400123456"],
    ["an email, lower-cased", "Ann.Lee+MFA@Example.COM", "ann.lee+mfa@example.com"],
    ["a Unicode domain, as A-labels", "ann@Bücher.Example", "ann@xn--bcher-kva.example"],
    ["a trailing dot on the domain", "ann@example.com.", "ann@example.com"],
  ])("%s: %s → %s", (_what, destination, bucket) => {
    expect(destinationBucket(destination)).toBe(bucket);
  });

  it("FRAUD-03: case variants of one address share one bucket", () => {
    const variants = [
      "megan@contoso.net",
      "Megan@Contoso.net",
      "MEGAN@CONTOSO.NET",
      "mEgAn@cOnToSo.NeT",
    ];
    expect(new Set(variants.map(destinationBucket))).toEqual(new Set(["megan@contoso.net"]));
  });

  it("FRAUD-03: property: any casing of an address accepted by the email rules has one bucket, and the bucket is a fixed point", () => {
    const atext = fc.constantFrom(
      ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-_",
    );
    const address = fc
      .tuple(
        fc.string({ unit: atext, minLength: 1, maxLength: 20 }),
        fc.string({
          unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"),
          minLength: 1,
          maxLength: 10,
        }),
        fc.constantFrom("com", "net", "example", "xn--p1ai"),
      )
      .map(([local, name, tld]) => `${local}@${name}.${tld}`);
    const flips = fc.array(fc.boolean(), { minLength: 40, maxLength: 40 });
    fc.assert(
      fc.property(address, flips, (a, flip) => {
        const cased = [...a]
          .map((ch, i) => (flip[i] ? ch.toUpperCase() : ch.toLowerCase()))
          .join("");
        const parsed = parseRecoveryEmail(cased, { tenantDomains: ["contoso.com"] }).address;
        const bucket = destinationBucket(parsed);
        expect(bucket).toBe(a.toLowerCase());
        expect(destinationBucket(cased)).toBe(bucket);
        expect(destinationBucket(bucket)).toBe(bucket);
      }),
      runs,
    );
  });

  it.each([
    ["national phone input", "07400 123456"],
    ["spaced E.164", "+44 7400 123456"],
    ["E.164 with a leading zero", "+0447400123456"],
    ["16 digits", "+1234567890123456"],
    ["empty", ""],
    ["no local part", "@example.com"],
    ["two at signs", "a@b@example.com"],
    ["no domain", "ann@"],
    ["a one-label domain", "ann@localhost"],
    ["a domain with a slash", "ann@example.com/x"],
    ["an IP literal", "ann@[192.0.2.1]"],
    ["a 1 MB string", `${"a".repeat(1024 * 1024)}@example.com`],
    ["an emoji domain label that is not a host", "ann@📞"],
    ["a lone surrogate domain", "ann@\uD800.com"],
  ])("invalid_input naming the field destination: %s", (_what, destination) => {
    expect(mfaErrorOf(() => destinationBucket(destination))).toEqual({
      code: "invalid_input",
      data: { field: "destination" },
    });
  });
});
