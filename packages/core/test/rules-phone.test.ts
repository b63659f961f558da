import { errorMessages, type MfaErrorCode } from "@mfakit/core";
import {
  ALLOWED_PHONE_TYPES,
  MAX_PHONE_INPUT_LENGTH,
  maskPhone,
  type ParsePhoneInput,
  type PhoneRules,
  parsePhone,
} from "@mfakit/core/rules";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { acceptedOrNull, mfaErrorOf } from "./rules-support.js";

const phone = (input: Partial<ParsePhoneInput> & { number: string }, rules?: PhoneRules) =>
  parsePhone({ use: "sms", ...input }, rules);

type Outcome = "ok" | MfaErrorCode;

// The classification table (PHONE-02: pinned to libphonenumber-js 1.13.16 with /max metadata;
// re-run it whenever the library is updated). Examples were found by generating numbers from
// each country's metadata patterns and checking them with the library; GB drama ranges where
// libphonenumber calls them valid.
// [what, number as typed, country for national input, E.164, region, type, sms, voice]
const table: ReadonlyArray<
  readonly [string, string, string | undefined, string, string, string, Outcome, Outcome]
> = [
  ["GB mobile, national", "07400 123456", "GB", "+447400123456", "GB", "MOBILE", "ok", "ok"],
  [
    "GB mobile, international",
    "+44 7400 123456",
    undefined,
    "+447400123456",
    "GB",
    "MOBILE",
    "ok",
    "ok",
  ],
  ["GB mobile, 00 prefix", "0044 7400 123456", "FR", "+447400123456", "GB", "MOBILE", "ok", "ok"],
  [
    "GB mobile, (0) trunk",
    "+44 (0) 7400-123-456",
    undefined,
    "+447400123456",
    "GB",
    "MOBILE",
    "ok",
    "ok",
  ],
  [
    "Guernsey mobile on +44",
    "+44 7911 123456",
    undefined,
    "+447911123456",
    "GG",
    "MOBILE",
    "ok",
    "ok",
  ],
  [
    "GB London drama fixed line",
    "020 7946 0018",
    "GB",
    "+442079460018",
    "GB",
    "FIXED_LINE",
    "phone_type_not_allowed",
    "ok",
  ],
  [
    "GB Leeds drama fixed line",
    "0113 496 0123",
    "GB",
    "+441134960123",
    "GB",
    "FIXED_LINE",
    "phone_type_not_allowed",
    "ok",
  ],
  [
    "GB freephone drama",
    "0808 157 0123",
    "GB",
    "+448081570123",
    "GB",
    "TOLL_FREE",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "GB premium drama",
    "0909 879 0123",
    "GB",
    "+449098790123",
    "GB",
    "PREMIUM_RATE",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "GB 087x",
    "0871 072 5391",
    "GB",
    "+448710725391",
    "GB",
    "PREMIUM_RATE",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "GB UK-wide drama",
    "0306 999 0123",
    "GB",
    "+443069990123",
    "GB",
    "UAN",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "GB personal 070",
    "070 0498 4340",
    "GB",
    "+447004984340",
    "GB",
    "PERSONAL_NUMBER",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "GB pager 076",
    "076 4649 8434",
    "GB",
    "+447646498434",
    "GB",
    "PAGER",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "GB VoIP 056",
    "056 0498 4340",
    "GB",
    "+445604984340",
    "GB",
    "VOIP",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "US fixed-or-mobile",
    "(213) 373-4253",
    "US",
    "+12133734253",
    "US",
    "FIXED_LINE_OR_MOBILE",
    "ok",
    "ok",
  ],
  [
    "US 555-01xx fiction range",
    "(201) 555-0123",
    "US",
    "+12015550123",
    "US",
    "FIXED_LINE_OR_MOBILE",
    "ok",
    "ok",
  ],
  [
    "US toll-free",
    "800 234 5678",
    "US",
    "+18002345678",
    "US",
    "TOLL_FREE",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "US premium 900",
    "900 234 5678",
    "US",
    "+19002345678",
    "US",
    "PREMIUM_RATE",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "US personal 500",
    "500 234 5678",
    "US",
    "+15002345678",
    "US",
    "PERSONAL_NUMBER",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "CA fixed-or-mobile",
    "(613) 555-0123",
    "CA",
    "+16135550123",
    "CA",
    "FIXED_LINE_OR_MOBILE",
    "ok",
    "ok",
  ],
  [
    "British Virgin Islands mobile on +1",
    "+1 284 496 1234",
    undefined,
    "+12844961234",
    "VG",
    "MOBILE",
    "ok",
    "ok",
  ],
  ["FR mobile", "06 12 34 56 78", "FR", "+33612345678", "FR", "MOBILE", "ok", "ok"],
  [
    "FR fixed line",
    "01 23 45 67 89",
    "FR",
    "+33123456789",
    "FR",
    "FIXED_LINE",
    "phone_type_not_allowed",
    "ok",
  ],
  [
    "FR VoIP 09",
    "09 04 98 43 40",
    "FR",
    "+33904984340",
    "FR",
    "VOIP",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "FR UAN 0809",
    "0809 43 40 72",
    "FR",
    "+33809434072",
    "FR",
    "UAN",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "FR shared cost 0810",
    "0810 98 43 40",
    "FR",
    "+33810984340",
    "FR",
    "SHARED_COST",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "FR premium 0836",
    "0836 02 34 07",
    "FR",
    "+33836023407",
    "FR",
    "PREMIUM_RATE",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "FR toll-free",
    "0800 12 34 56",
    "FR",
    "+33800123456",
    "FR",
    "TOLL_FREE",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  ["DE mobile", "01512 3456789", "DE", "+4915123456789", "DE", "MOBILE", "ok", "ok"],
  [
    "DE fixed line",
    "030 12345678",
    "DE",
    "+493012345678",
    "DE",
    "FIXED_LINE",
    "phone_type_not_allowed",
    "ok",
  ],
  [
    "DE pager",
    "016484",
    "DE",
    "+4916484",
    "DE",
    "PAGER",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "DE voicemail",
    "0162 55 4340725",
    "DE",
    "+49162554340725",
    "DE",
    "VOICEMAIL",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "DE shared cost 0180",
    "0180 8 43407",
    "DE",
    "+49180843407",
    "DE",
    "SHARED_COST",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "DE premium 0900",
    "0900 1 234567",
    "DE",
    "+499001234567",
    "DE",
    "PREMIUM_RATE",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  ["IT mobile", "+39 312 345 6789", undefined, "+393123456789", "IT", "MOBILE", "ok", "ok"],
  [
    "IT voicemail",
    "+39 374 0725 3918",
    undefined,
    "+3937407253918",
    "IT",
    "VOICEMAIL",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  ["ES mobile", "+34 612 34 56 78", undefined, "+34612345678", "ES", "MOBILE", "ok", "ok"],
  [
    "ES shared cost 901",
    "+34 901 49 84 34",
    undefined,
    "+34901498434",
    "ES",
    "SHARED_COST",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  ["SE mobile", "+46 70 123 45 67", undefined, "+46701234567", "SE", "MOBILE", "ok", "ok"],
  [
    "SE pager",
    "+46 74 049 84 34",
    undefined,
    "+46740498434",
    "SE",
    "PAGER",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  ["JP mobile", "090-1234-5678", "JP", "+819012345678", "JP", "MOBILE", "ok", "ok"],
  [
    "JP VoIP 050",
    "050-7434-0725",
    "JP",
    "+815074340725",
    "JP",
    "VOIP",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "JP UAN 0570",
    "0570-049-843",
    "JP",
    "+81570049843",
    "JP",
    "UAN",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  ["AU mobile", "0412 345 678", "AU", "+61412345678", "AU", "MOBILE", "ok", "ok"],
  [
    "AU fixed line",
    "02 1234 5678",
    "AU",
    "+61212345678",
    "AU",
    "FIXED_LINE",
    "phone_type_not_allowed",
    "ok",
  ],
  [
    "AU shared cost 1300",
    "1300 984 340",
    "AU",
    "+611300984340",
    "AU",
    "SHARED_COST",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "AU premium 1902",
    "1902 434 072",
    "AU",
    "+611902434072",
    "AU",
    "PREMIUM_RATE",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  [
    "AU toll-free 1800",
    "1800 498 340",
    "AU",
    "+611800498340",
    "AU",
    "TOLL_FREE",
    "phone_type_not_allowed",
    "phone_type_not_allowed",
  ],
  ["IN mobile", "98765 43210", "IN", "+919876543210", "IN", "MOBILE", "ok", "ok"],
  ["EG mobile", "010 1234 5678", "EG", "+201012345678", "EG", "MOBILE", "ok", "ok"],
  ["BR mobile", "+55 11 91234 5678", undefined, "+5511912345678", "BR", "MOBILE", "ok", "ok"],
  [
    "MX fixed-or-mobile",
    "+52 55 1234 5678",
    undefined,
    "+525512345678",
    "MX",
    "FIXED_LINE_OR_MOBILE",
    "ok",
    "ok",
  ],
  ["NG mobile", "+234 802 123 4567", undefined, "+2348021234567", "NG", "MOBILE", "ok", "ok"],
  ["ZA mobile", "+27 82 123 4567", undefined, "+27821234567", "ZA", "MOBILE", "ok", "ok"],
  ["SG mobile", "+65 8123 4567", undefined, "+6581234567", "SG", "MOBILE", "ok", "ok"],
  ["NL mobile", "+31 6 12345678", undefined, "+31612345678", "NL", "MOBILE", "ok", "ok"],
  ["IE mobile", "+353 85 123 4567", undefined, "+353851234567", "IE", "MOBILE", "ok", "ok"],
];

describe("parsePhone: classification table (PHONE-01, PHONE-02, PHONE-03, FRAUD-02, PSTN-02)", () => {
  it.each(table)("%s: %s", (_what, number, country, e164, region, type, sms, voice) => {
    for (const [use, expected] of [
      ["sms", sms],
      ["voice", voice],
      ["office", voice],
    ] as const) {
      if (expected === "ok") {
        const p = parsePhone({ number, country, use });
        expect(p.e164).toBe(e164);
        expect(p.country).toBe(region);
        expect(p.type).toBe(type);
        expect(p.extension).toBeNull();
      } else {
        expect(mfaErrorOf(() => parsePhone({ number, country, use }))).toEqual({
          code: expected,
          data: { type, use },
        });
      }
    }
  });

  it("PHONE-03: SMS takes only MOBILE and FIXED_LINE_OR_MOBILE; voice and office add FIXED_LINE", () => {
    expect(ALLOWED_PHONE_TYPES).toEqual({
      sms: ["MOBILE", "FIXED_LINE_OR_MOBILE"],
      voice: ["MOBILE", "FIXED_LINE_OR_MOBILE", "FIXED_LINE"],
      office: ["MOBILE", "FIXED_LINE_OR_MOBILE", "FIXED_LINE"],
    });
    expect(Object.isFrozen(ALLOWED_PHONE_TYPES)).toBe(true);
    expect(Object.isFrozen(ALLOWED_PHONE_TYPES.sms)).toBe(true);
  });

  it("PSTN-02 / FRAUD-02: every refused type of the table is refused for every use", () => {
    const refused = new Set(table.filter((r) => r[7] !== "ok").map((r) => r[5]));
    expect([...refused].sort()).toEqual(
      [
        "PAGER",
        "PERSONAL_NUMBER",
        "PREMIUM_RATE",
        "SHARED_COST",
        "TOLL_FREE",
        "UAN",
        "VOICEMAIL",
        "VOIP",
      ].sort(),
    );
  });
});

describe("parsePhone: canonical form and input (PHONE-01, PHONE-06)", () => {
  it("PHONE-01: returns E.164, display forms and a mask", () => {
    expect(phone({ number: "07400 123456", country: "GB" })).toEqual({
      e164: "+447400123456",
      country: "GB",
      countryCallingCode: "44",
      type: "MOBILE",
      extension: null,
      national: "07400 123456",
      international: "+44 7400 123456",
      masked: "+44 ••• •••456",
    });
  });

  it.each([
    ["full-width digits and plus", "＋４４ ７４００ １２３４５６", undefined],
    ["full-width digits after an ASCII plus", "+４４ ７４００ １２３４５６", undefined],
    ["Arabic-Indic digits", "+٤٤ ٧٤٠٠ ١٢٣٤٥٦", undefined],
    ["Extended Arabic-Indic (Persian) digits", "+۴۴ ۷۴۰۰ ۱۲۳۴۵۶", undefined],
    ["national Arabic-Indic digits", "٠٧٤٠٠ ١٢٣٤٥٦", "GB"],
    ["embedded ZWSP", "+44 7400\u200B123456", undefined],
    ["trailing ZWSP", "+44 7400 123456\u200B", undefined],
    ["embedded soft hyphen", "+44\u00AD7400123456", undefined],
    ["dashes, dots and slashes", "+44-7400.123/456", undefined],
    ["lower-case country", "07400 123456", "gb"],
  ])("PHONE-06: %s parse to the same E.164", (_what, number, country) => {
    expect(phone({ number, country }).e164).toBe("+447400123456");
  });

  it("PHONE-06: Egyptian numbers written in native digits", () => {
    expect(phone({ number: "٠١٠ ١٢٣٤ ٥٦٧٨", country: "EG" }).e164).toBe("+201012345678");
  });

  it("an international number ignores the country given for national input", () => {
    expect(phone({ number: "+33 6 12 34 56 78", country: "GB" }).country).toBe("FR");
  });

  it.each([
    ["text around the number", "call +44 7400 123456 now", "not_a_number"],
    ["trailing text", "+44 7400 123456 abc", "not_a_number"],
    ["letters", "abcdef", "not_a_number"],
    ["empty", "", "not_a_number"],
    ["a lone plus", "+", "not_a_number"],
    ["too long to be a number", "+44 7400 12345678901234", "too_long"],
    ["unknown calling code", "+999 1234 5678", "invalid_country"],
    ["national input without a country", "07400 123456", "invalid_country"],
  ])("invalid_phone: %s", (_what, number, reason) => {
    expect(mfaErrorOf(() => phone({ number }))).toEqual({
      code: "invalid_phone",
      data: { field: "number", reason },
    });
  });

  it.each([
    ["Ofcom drama mobile range 07700 900xxx (libphonenumber: not assigned)", "+44 7700 900123"],
    ["one digit too many for a GB mobile", "+44 7400 1234567"],
    ["Mexican mobile with the retired 1 prefix", "+52 1 55 1234 5678"],
    ["19 digits: libphonenumber parses it, E.164 allows 15", "+44 7400 1234567890123"],
  ])("PHONE-02: isValid(), not just possible: %s", (_what, number) => {
    expect(mfaErrorOf(() => phone({ number }))).toEqual({
      code: "invalid_phone",
      data: { field: "number", reason: "invalid" },
    });
  });

  it.each([
    ["not two letters", "GBR"],
    ["digits", "44"],
    ["non-geographic region code", "001"],
    ["unassigned code", "XX"],
    ["UK is not ISO 3166 (GB is)", "UK"],
    ["padded", " GB"],
  ])("invalid_input: a country that is not ISO alpha-2: %s", (_what, country) => {
    expect(mfaErrorOf(() => phone({ number: "07400 123456", country }))).toEqual({
      code: "invalid_input",
      data: { field: "country" },
    });
  });

  it("invalid_input: an unknown use", () => {
    const input = { number: "+44 7400 123456", use: "fax" } as unknown as ParsePhoneInput;
    expect(mfaErrorOf(() => parsePhone(input)).code).toBe("invalid_input");
  });

  it("REL-07: inputs over 64 characters are refused before parsing", () => {
    const padded = `+44 7400 123456${" ".repeat(MAX_PHONE_INPUT_LENGTH - 15)}`;
    expect(padded).toHaveLength(MAX_PHONE_INPUT_LENGTH);
    expect(phone({ number: padded }).e164).toBe("+447400123456");
    expect(mfaErrorOf(() => phone({ number: `${padded} ` }))).toEqual({
      code: "input_too_long",
      data: { field: "number", max: 64 },
    });
    expect(mfaErrorOf(() => phone({ number: "1".repeat(10_000) })).code).toBe("input_too_long");
    expect(
      mfaErrorOf(() =>
        phone({ number: "+44 20 7946 0018", use: "office", extension: "1".repeat(65) }),
      ),
    ).toEqual({ code: "input_too_long", data: { field: "extension", max: 64 } });
  });
});

describe("parsePhone: extensions (PHONE-04)", () => {
  const office = "+44 20 7946 0018";

  it.each([
    ["ext. in the number", `${office} ext. 123`, undefined],
    ["x in the number", `${office} x123`, undefined],
    ["RFC 3966 ;ext=", `${office};ext=123`, undefined],
    ["# in the number", `${office}#123`, undefined],
    ["the extension field", office, "123"],
    ["the field with surrounding spaces", office, " 123 "],
    ["the field in full-width digits", office, "１２３"],
    ["both, equal", `${office} x123`, "123"],
  ])("office phones take an extension: %s", (_what, number, extension) => {
    const p = phone({ number, extension, use: "office" });
    expect(p.e164).toBe("+442079460018");
    expect(p.extension).toBe("123");
    expect(p.international).toBe("+44 20 7946 0018");
    expect(p.national).toBe("020 7946 0018");
  });

  it("an office phone may be a mobile, with an extension", () => {
    expect(phone({ number: "+44 7400 123456 x9", use: "office" }).extension).toBe("9");
  });

  it("an empty extension field means none, for every use", () => {
    expect(phone({ number: "+44 7400 123456", extension: "" }).extension).toBeNull();
    expect(phone({ number: "+44 7400 123456", extension: "  " }).extension).toBeNull();
  });

  it.each([
    ["sms", "+44 7400 123456 ext. 123", undefined],
    ["sms", "+44 7400 123456 x1", undefined],
    ["sms", "+44 7400 123456", "123"],
    ["voice", `${office} ext. 123`, undefined],
    ["voice", office, "0"],
  ] as const)("PHONE-04: %s refuses an extension (%s, field %s)", (use, number, extension) => {
    expect(mfaErrorOf(() => phone({ number, extension, use }))).toEqual({
      code: "phone_extension_not_allowed",
      data: { use },
    });
  });

  it.each([
    ["letters in the field", "12a"],
    ["a plus in the field", "+12"],
    ["11 digits", "12345678901"],
    ["a space inside", "12 3"],
  ])("invalid_phone: malformed extension, %s", (_what, extension) => {
    expect(mfaErrorOf(() => phone({ number: office, extension, use: "office" }))).toEqual({
      code: "invalid_phone",
      data: { field: "extension", reason: "invalid_extension", max: 10 },
    });
  });

  it("invalid_phone: more than 10 extension digits in the number", () => {
    const err = mfaErrorOf(() => phone({ number: `${office} ext. 12345678901`, use: "office" }));
    expect(err).toEqual({
      code: "invalid_phone",
      data: { field: "number", reason: "invalid_extension", max: 10 },
    });
  });

  it("invalid_phone: the number and the field disagree", () => {
    expect(
      mfaErrorOf(() => phone({ number: `${office} x123`, extension: "124", use: "office" })),
    ).toEqual({
      code: "invalid_phone",
      data: { field: "extension", reason: "extension_mismatch" },
    });
  });
});

describe("parsePhone: country allow-list (FRAUD-01)", () => {
  it("FRAUD-01: a number of a listed country passes; case does not matter", () => {
    expect(phone({ number: "+44 7400 123456" }, { allowedCountries: ["gb", "FR"] }).e164).toBe(
      "+447400123456",
    );
  });

  it("FRAUD-01: a number of another country is refused, with the country", () => {
    expect(
      mfaErrorOf(() => phone({ number: "+33 6 12 34 56 78" }, { allowedCountries: ["GB"] })),
    ).toEqual({ code: "country_not_allowed", data: { country: "FR", countryCallingCode: "33" } });
  });

  it("FRAUD-01: an empty list allows nothing (deny by default)", () => {
    expect(
      mfaErrorOf(() => phone({ number: "+44 7400 123456" }, { allowedCountries: [] })).code,
    ).toBe("country_not_allowed");
  });

  it("FRAUD-01: regions sharing a calling code are told apart (GB does not allow GG/JE/IM)", () => {
    const rules = { allowedCountries: ["GB"] };
    for (const [number, country] of [
      ["+44 7911 123456", "GG"],
      ["+44 1534 712345", "JE"],
      ["+44 1624 712345", "IM"],
    ] as const) {
      expect(mfaErrorOf(() => phone({ number, use: "voice" }, rules))).toEqual({
        code: "country_not_allowed",
        data: { country, countryCallingCode: "44" },
      });
    }
    expect(phone({ number: "+1 284 496 1234" }, { allowedCountries: ["VG"] }).country).toBe("VG");
    expect(
      mfaErrorOf(() => phone({ number: "+1 284 496 1234" }, { allowedCountries: ["US"] })),
    ).toEqual({ code: "country_not_allowed", data: { country: "VG", countryCallingCode: "1" } });
  });

  it("FRAUD-01: undefined means no restriction at this level", () => {
    expect(phone({ number: "+234 802 123 4567" }).country).toBe("NG");
  });

  it.each([
    ["Inmarsat (MOBILE to libphonenumber)", "+870 773 111 632", "870"],
    ["Iridium-style satellite (MOBILE)", "+881 6 1234 5678", "881"],
    ["international networks (VOIP)", "+883 5100 1234 5678", "883"],
    ["international freephone", "+800 1234 5678", "800"],
    ["international shared cost", "+808 1234 5678", "808"],
  ])("FRAUD-01: non-geographic numbers are refused even with no list: %s", (_what, number, cc) => {
    expect(mfaErrorOf(() => phone({ number, use: "voice" }))).toEqual({
      code: "country_not_allowed",
      data: { country: null, countryCallingCode: cc },
    });
  });

  it("config_invalid: an allow-list entry that is not ISO alpha-2 fails loudly", () => {
    for (const entry of ["UK", "GBR", "", "44"]) {
      // Reported whatever the number, even one that does not parse.
      const err = mfaErrorOf(() => phone({ number: "nonsense" }, { allowedCountries: [entry] }));
      expect(err.code).toBe("config_invalid");
      expect(err.data.field).toBe("allowedCountries");
    }
  });

  it("FRAUD-01 runs before the type check: a premium number of a refused country reports the country", () => {
    expect(
      mfaErrorOf(() => phone({ number: "+1 900 234 5678" }, { allowedCountries: ["GB"] })).code,
    ).toBe("country_not_allowed");
  });
});

describe("parsePhone: tel: URIs (RFC 3966; PHONE-01, PHONE-04)", () => {
  it.each([
    ["plain", "tel:+12015550123"],
    ["upper-case scheme", "TEL:+12015550123"],
    ["mixed-case scheme", "Tel:+1-201-555-0123"],
    ["dashes", "tel:+1-201-555-0123"],
    ["dots and brackets", "tel:+1(201)555.0123"],
    ["a separator right after the plus", "tel:+-1-(201)-555-0123"],
  ])("PHONE-01: a global tel: URI parses like the typed number: %s", (_what, number) => {
    expect(phone({ number })).toEqual(phone({ number: "+1 (201) 555-0123" }));
  });

  it("PHONE-01: property: any visual separators in a tel: URI give the same E.164", () => {
    const numbers = ["+12015550123", "+447400123456", "+33612345678", "+4915123456789"];
    const separated = fc
      .tuple(
        fc.constantFrom(...numbers),
        fc.infiniteStream(fc.constantFrom("", "-", ".", "(", ")")),
      )
      .map(([e164, seps]) => ({
        e164,
        uri: `tel:+${[...e164.slice(1)].map((d) => d + seps.next().value).join("")}`,
      }));
    fc.assert(
      fc.property(separated, fc.constantFrom("tel:", "TEL:", "tEl:"), ({ e164, uri }, scheme) => {
        expect(phone({ number: scheme + uri.slice(4) }).e164).toBe(e164);
      }),
      { numRuns: 500 },
    );
  });

  const office = "tel:+44-20-7946-0018";

  it.each([
    ["ext", `${office};ext=123`, undefined],
    ["EXT, case-insensitive parameter name", `${office};EXT=123`, undefined],
    ["separators in the extension", `${office};ext=1-2.3`, undefined],
    ["and the same extension in the field", `${office};ext=123`, "123"],
  ])("PHONE-04: an office tel: URI takes ;ext=: %s", (_what, number, extension) => {
    const p = phone({ number, extension, use: "office" });
    expect(p.e164).toBe("+442079460018");
    expect(p.extension).toBe("123");
  });

  it.each(["sms", "voice"] as const)("PHONE-04: %s refuses a tel: URI with ;ext=", (use) => {
    expect(mfaErrorOf(() => phone({ number: `${office};ext=123`, use }))).toEqual({
      code: "phone_extension_not_allowed",
      data: { use },
    });
  });

  it("PHONE-02: a well-formed tel: URI of an unassigned number is still invalid", () => {
    expect(mfaErrorOf(() => phone({ number: "tel:+44-7700-900123" }))).toEqual({
      code: "invalid_phone",
      data: { field: "number", reason: "invalid" },
    });
  });

  it.each([
    ["a local number", "tel:2015550123", "tel_local_number"],
    ["a local number with phone-context", "tel:5550123;phone-context=+1-201", "tel_local_number"],
    ["phone-context on a global number", "tel:+12015550123;phone-context=+1", "tel_local_number"],
    ["phone-context after ext", `${office};ext=1;Phone-Context=example.com`, "tel_local_number"],
    ["an ISDN subaddress", "tel:+12015550123;isub=1234", "tel_parameter"],
    ["an unknown parameter", "tel:+12015550123;foo=bar", "tel_parameter"],
    ["a parameter without a value", "tel:+12015550123;foo", "tel_parameter"],
    ["an empty parameter", "tel:+12015550123;", "tel_parameter"],
    ["two extensions", `${office};ext=1;ext=1`, "tel_parameter"],
    ["nothing after the scheme", "tel:", "tel_syntax"],
    ["a lone plus", "tel:+", "tel_syntax"],
    ["only separators", "tel:+-().", "tel_syntax"],
    ["spaces (not a visual separator in RFC 3966)", "tel:+1 201 555 0123", "tel_syntax"],
    ["full-width digits (RFC 3966 DIGIT is ASCII)", "tel:+１２０１５５５０１２３", "tel_syntax"],
    ["a percent-encoded plus", "tel:%2B12015550123", "tel_syntax"],
    ["a query", "tel:+12015550123?x=1", "tel_syntax"],
    ["a NUL", "tel:+1201555\u00000123", "tel_syntax"],
    ["an emoji", "tel:+1201555📞0123", "tel_syntax"],
    ["a lone high surrogate", "tel:+1201555\uD8000123", "tel_syntax"],
    ["a lone low surrogate", "tel:+1201555\uDC000123", "tel_syntax"],
    ["a second scheme", "tel:tel:+12015550123", "tel_syntax"],
  ])(
    "PHONE-01: a tel: URI is refused with a typed error naming the field: %s",
    (_w, number, reason) => {
      expect(mfaErrorOf(() => phone({ number, use: "office" }))).toEqual({
        code: "invalid_phone",
        data: { field: "number", reason },
      });
    },
  );

  it.each([
    ["empty", `${office};ext=`],
    ["only separators", `${office};ext=--`],
    ["a letter", `${office};ext=12a`],
    ["an emoji", `${office};ext=1😀`],
    ["11 digits", `${office};ext=12345678901`],
  ])("PHONE-04: a malformed ;ext= is refused, naming the number: %s", (_what, number) => {
    expect(mfaErrorOf(() => phone({ number, use: "office" }))).toEqual({
      code: "invalid_phone",
      data: { field: "number", reason: "invalid_extension", max: 10 },
    });
  });

  it("PHONE-04: a tel: extension and a different extension field disagree", () => {
    expect(
      mfaErrorOf(() => phone({ number: `${office};ext=123`, extension: "124", use: "office" })),
    ).toEqual({
      code: "invalid_phone",
      data: { field: "extension", reason: "extension_mismatch" },
    });
  });
});

describe("parsePhone: hostile input (REL-07, PHONE-06)", () => {
  const megabyte = 1024 * 1024;

  it.each([
    ["1 MB of digits", `+1${"2".repeat(megabyte)}`],
    ["a 1 MB tel: URI", `tel:+1${"2".repeat(megabyte)}`],
    ["a tel: URI with 1 MB of parameters", `tel:+12015550123${";ext=1".repeat(megabyte / 6)}`],
    ["1 MB of emoji", "📞".repeat(megabyte / 2)],
    ["1 MB of lone surrogates", "\uD800".repeat(megabyte)],
  ])("REL-07: %s is refused by size, before any parsing", (_what, number) => {
    expect(mfaErrorOf(() => phone({ number }))).toEqual({
      code: "input_too_long",
      data: { field: "number", max: 64 },
    });
  });

  it.each([
    ["an emoji", "📞"],
    ["an emoji around a number", "📞 +1 201 555 0123"],
    ["a lone high surrogate", "\uD800"],
    ["a lone low surrogate inside a number", "+1 201 555\uDC00 0123"],
    ["a reversed surrogate pair", "+1\uDC00\uD800 201 555 0123"],
    ["a BOM", "\uFEFF"],
    ["right-to-left override", "\u202E+1 201 555 0123"],
  ])("PHONE-06: %s is a typed error naming the number", (_what, number) => {
    const err = mfaErrorOf(() => phone({ number }));
    expect(err.code).toBe("invalid_phone");
    expect(err.data.field).toBe("number");
  });

  it("REL-07: property: any string, any extension, any use is accepted or a typed error naming its field", () => {
    // "binary" units include lone surrogates; the prefixes steer some inputs into each parser.
    const text = fc.string({ unit: "binary", maxLength: 80 });
    const number = fc.oneof(
      text,
      text.map((t) => `tel:+${t}`),
      text.map((t) => `tel:+12015550123;${t}`),
      text.map((t) => `+44 20 7946 0018${t}`),
    );
    const fields: unknown[] = ["number", "extension"];
    fc.assert(
      fc.property(
        number,
        fc.option(text, { nil: undefined }),
        fc.constantFrom("sms", "voice", "office" as const),
        (n, extension, use) => {
          // acceptedOrNull lets only MfaErrors through: any other throw fails the property.
          if (acceptedOrNull(() => parsePhone({ number: n, extension, use })) !== null) return;
          const { code, data } = mfaErrorOf(() => parsePhone({ number: n, extension, use }));
          if (["invalid_phone", "input_too_long", "invalid_input"].includes(code)) {
            expect(fields).toContain(data.field);
          }
        },
      ),
      { numRuns: 3_000 },
    );
  });
});

describe("maskPhone", () => {
  it.each([
    ["+447400123456", "+44 ••• •••456"],
    ["+12133734253", "+1 ••• •••253"],
    ["+4916484", "+49 ••• •••84"],
    ["+6834002", "+683 ••• •••02"],
    ["+870773111632", "+870 ••• •••632"],
  ])("masks %s as %s, a fixed shape that hides the length", (e164, masked) => {
    expect(maskPhone(e164)).toBe(masked);
  });

  it("parsePhone's mask is maskPhone of its E.164", () => {
    const p = phone({ number: "06 12 34 56 78", country: "FR" });
    expect(p.masked).toBe(maskPhone(p.e164));
  });

  it.each([
    "447400123456",
    "+44 7400 123456",
    "+0447400123456",
    "+9991234",
    "",
    "+1234567890123456",
  ])("invalid_phone: %j is not E.164 with a known calling code", (input) => {
    expect(mfaErrorOf(() => maskPhone(input))).toEqual({
      code: "invalid_phone",
      data: { reason: "not_e164" },
    });
  });
});

describe("phone errors", () => {
  it("LOG-01: refusals carry no part of the number (it is personal data, and ends up in logs)", () => {
    for (const [number, use] of [
      ["+33 6 12 34 56 78", "sms"],
      ["+44 20 7946 0018", "sms"],
      ["+44 20 7946 0018 x123", "voice"],
      ["+1 900 234 5678", "voice"],
      ["+44 7700 900123", "sms"],
      ["call +44 7400 123456", "sms"],
    ] as const) {
      const err = mfaErrorOf(() => phone({ number, use }, { allowedCountries: ["GB"] }));
      const shown = JSON.stringify(err) + (errorMessages[err.code] as string);
      expect(shown).not.toMatch(/\d{4}/);
    }
  });

  it("every code used has a default message", () => {
    for (const code of [
      "invalid_phone",
      "phone_type_not_allowed",
      "phone_extension_not_allowed",
      "country_not_allowed",
      "input_too_long",
      "invalid_input",
      "config_invalid",
    ] as const) {
      expect(errorMessages[code]).toBeTypeOf("string");
    }
  });
});
