import { isMfaError } from "@mfakit/core";
import {
  type CodeMessageInput,
  type CodePurpose,
  createMessageRenderer,
  escapeHtml,
  type MessageInput,
  type NoticeMessageInput,
  negotiateLocale,
  renderEmail,
  renderSms,
  renderVoice,
  smsSegments,
} from "@mfakit/core/delivery";
import { capturingOutbox } from "@mfakit/testing";
import { describe, expect, it } from "vitest";

const code = (over: Partial<CodeMessageInput> = {}): CodeMessageInput => ({
  kind: "code",
  appName: "Contoso",
  code: "373318",
  locale: "en",
  purpose: "enrol",
  ttlMinutes: 10,
  ...over,
});
const notice = (over: Partial<NoticeMessageInput> = {}): NoticeMessageInput => ({
  kind: "notice",
  appName: "Contoso",
  locale: "en",
  change: "added",
  factor: "authenticator-app",
  ...over,
});

const LOCALES = ["en", "de", "fr", "es"] as const;
const PURPOSES: CodePurpose[] = ["enrol", "signin", "recovery-email", "recovery-phone"];
/** The "do not share" warning, in each language's own words. */
const DO_NOT_SHARE: Record<(typeof LOCALES)[number], RegExp> = {
  en: /Don't share it with anyone/,
  de: /Geben Sie ihn niemandem weiter/,
  fr: /Ne le partagez avec personne/,
  es: /No la compartas con nadie/,
};

function expectCode(fn: () => unknown, code: string) {
  try {
    fn();
  } catch (e) {
    expect(isMfaError(e) && e.code).toBe(code);
    return;
  }
  throw new Error(`expected an MfaError ${code}`);
}

describe("negotiateLocale", () => {
  const supported = ["en", "de", "fr", "es"];
  it.each([
    ["de-CH", "de"],
    ["de_AT", "de"],
    ["DE", "de"],
    ["fr-CA", "fr"],
    ["es-419", "es"],
    ["en-GB", "en"],
    ["zh-Hant-TW", "en"],
    ["tlh", "en"],
    ["", "en"],
    ["not a tag!", "en"],
    ["x".repeat(500), "en"],
  ])("%s → %s", (tag, want) => {
    expect(negotiateLocale(tag, supported)).toBe(want);
  });

  it("tries preferences in order and keeps the supported spelling", () => {
    expect(negotiateLocale(["pt-BR", "es-MX", "en"], supported)).toBe("es");
    expect(negotiateLocale("pt-br", ["en", "pt-BR"])).toBe("pt-BR");
    expect(negotiateLocale("pt-BR", ["en", "pt"])).toBe("pt");
    expect(negotiateLocale("it", supported, "de")).toBe("de");
  });
});

describe("SMS templates", () => {
  for (const locale of LOCALES) {
    for (const purpose of PURPOSES) {
      it(`${locale}/${purpose}: app name, code, do-not-share warning, one GSM-7 segment`, () => {
        const sms = renderSms(code({ locale, purpose }));
        expect(sms.locale).toBe(locale);
        expect(sms.text).toContain("Contoso");
        expect(sms.text).toContain("373318");
        expect(sms.text).toMatch(DO_NOT_SHARE[locale]);
        expect(sms.text).toContain("10");
        const cost = smsSegments(sms.text);
        expect(cost.encoding).toBe("GSM-7");
        expect(cost.units).toBeLessThanOrEqual(160);
      });
    }
  }

  it("negotiates the locale: de-CH gets German, an unknown language English", () => {
    expect(renderSms(code({ locale: "de-CH" }))).toMatchObject({ locale: "de" });
    expect(renderSms(code({ locale: "de-CH" })).text).toMatch(/^373318 ist Ihr Contoso-Code/);
    expect(renderSms(code({ locale: "ja-JP" })).locale).toBe("en");
  });

  it("appends the WebOTP origin-bound line as the last line, still one segment in en", () => {
    const renderer = createMessageRenderer({ webOtpHost: "login.example.com" });
    const { text } = renderer.renderSms(code({ purpose: "signin" }));
    const lines = text.split("\n");
    expect(lines[lines.length - 1]).toBe("@login.example.com #373318");
    expect(lines[lines.length - 2]).toBe("");
    expect(smsSegments(text)).toMatchObject({ encoding: "GSM-7", segments: 1 });
    // Notices carry no code, so no WebOTP line either.
    expect(renderer.renderSms(notice()).text).not.toContain("@login.example.com");
  });

  it.each(["https://example.com", "example.com:443", "Example.com", "exa mple.com", ""])(
    "refuses the WebOTP host %j at construction (config_invalid)",
    (host) => {
      expectCode(() => createMessageRenderer({ webOtpHost: host }), "config_invalid");
    },
  );
});

describe("voice templates", () => {
  it("reads the code digit by digit with pauses, twice, in the user's language", () => {
    const { locale, segments } = renderVoice(code({ locale: "fr-FR", code: "373318" }));
    expect(locale).toBe("fr");
    const says = segments.filter((s) => s.kind === "say").map((s) => s.text);
    expect(says[0]).toBe("Bonjour. Ici Contoso.");
    const digits = says.filter((t) => /^\d$/.test(t));
    expect(digits.join("")).toBe("373318373318");
    // Between two digits of one reading there is always a pause.
    const firstDigit = segments.findIndex((s) => s.kind === "say" && s.text === "3");
    const reading = segments.slice(firstDigit, firstDigit + 11);
    expect(reading.map((s) => (s.kind === "say" ? s.text : `(${s.seconds})`)).join(" ")).toBe(
      "3 (1) 7 (1) 3 (1) 3 (1) 1 (1) 8",
    );
    expect(segments.every((s) => s.kind === "say" || Number.isInteger(s.seconds))).toBe(true);
  });

  it("keeps the user's full tag for the voice when it narrows the rendered locale (en-GB is not read as en-US)", () => {
    expect(renderVoice(code({ locale: "en-GB" }))).toMatchObject({
      locale: "en",
      voiceLocale: "en-GB",
    });
    expect(renderVoice(code({ locale: "fr_ca" }))).toMatchObject({
      locale: "fr",
      voiceLocale: "fr-CA",
    });
    expect(renderVoice(code({ locale: "de" }))).toMatchObject({ locale: "de", voiceLocale: "de" });
    // Another language falls back to the English strings, so the voice speaks English too.
    expect(renderVoice(code({ locale: "ja-JP" }))).toMatchObject({
      locale: "en",
      voiceLocale: "en",
    });
    expect(renderVoice(code({ locale: "zh-hant-tw" })).voiceLocale).toBe("en");
    expect(renderVoice(notice({ locale: "es-MX" })).voiceLocale).toBe("es-MX");
  });

  it("is read back by the capturing outbox as the code", async () => {
    const outbox = capturingOutbox();
    const script = renderVoice(code({ locale: "de", code: "904512" }));
    await outbox.voice.send({ to: "+447400123456", idempotencyKey: "k1", ...script });
    expect(outbox.lastCode("+447400123456")).toBe("904512");
  });

  it("spells letters of an alphanumeric code one by one", () => {
    const says = renderVoice(code({ code: "ab12" }))
      .segments.filter((s) => s.kind === "say")
      .map((s) => s.text);
    expect(says).toEqual(expect.arrayContaining(["A", "B", "1", "2"]));
  });
});

describe("email templates", () => {
  for (const locale of LOCALES) {
    it(`${locale}: subject without the code, both bodies with it`, () => {
      const mail = renderEmail(code({ locale, purpose: "recovery-email" }));
      expect(mail.locale).toBe(locale);
      expect(mail.subject).toContain("Contoso");
      expect(mail.subject).not.toContain("373318");
      expect(mail.subject).not.toMatch(/[\r\n]/);
      expect(mail.text).toContain("\n    373318\n");
      expect(mail.html).toContain(">373318</p>");
      expect(mail.html).toContain(`<html lang="${locale}">`);
    });
  }

  it("HTML-escapes every interpolated value, the plain text keeps it as it is", () => {
    const appName = `<script>alert("x")</script> & 'Co'`;
    const mail = renderEmail(code({ appName }));
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;",
    );
    expect(mail.text).toContain(appName);
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
  });

  it("escapes override strings too, and no override can put a line break into a subject", () => {
    const renderer = createMessageRenderer({
      templates: {
        en: {
          emailCodeSubject: "Code for {app}\r\nBcc: victim@example.com",
          emailCodeIntro: "<b>Use</b> this code:",
        },
      },
    });
    const mail = renderer.renderEmail(code());
    expect(mail.subject).toBe("Code for Contoso Bcc: victim@example.com");
    expect(mail.html).toContain("&lt;b&gt;Use&lt;/b&gt; this code:");
  });

  it.each(["Con\r\ntoso", "Con\ntoso", "Con\u0000toso", "Con\u2028toso", "   "])(
    "refuses the app name %j (invalid_input) before rendering",
    (appName) => {
      expectCode(() => renderEmail(code({ appName })), "invalid_input");
    },
  );
});

describe("security notices (BIND-02)", () => {
  const changes = ["added", "removed", "changed"] as const;
  for (const change of changes) {
    it(`BIND-02: a "${change}" notice names the method and carries no secret`, () => {
      // Even a code smuggled into the input (not part of the type) never reaches the message.
      const input = { ...notice({ change, locale: "de" }), code: "373318" } as MessageInput;
      const sms = renderSms(input);
      const voice = renderVoice(input);
      const mail = renderEmail(input);
      const words = [
        sms.text,
        mail.subject,
        mail.text,
        ...voice.segments.map((s) => (s.kind === "say" ? s.text : "")),
      ];
      for (const text of words) expect(text).not.toMatch(/\d{4,}/);
      expect(mail.html).not.toContain("373318");
      expect(mail.text).toContain("Authenticator-App");
      expect(mail.text).toContain("Falls Sie das nicht waren");
      expect(sms.text).toContain("Contoso");
    });
  }

  it("renders every factor in every locale", () => {
    const factors = [
      "phone",
      "office-phone",
      "authenticator-app",
      "app-password",
      "recovery-email",
      "recovery-phone",
    ] as const;
    for (const locale of LOCALES) {
      const seen = new Set(
        factors.map((factor) => renderEmail(notice({ locale, factor, change: "removed" })).text),
      );
      expect(seen.size).toBe(factors.length);
    }
  });
});

describe("template overrides", () => {
  it("replaces one string per locale and keeps the rest", () => {
    const renderer = createMessageRenderer({
      templates: { de: { smsCode: "{app}: Ihr Code lautet {code}." } },
    });
    expect(renderer.renderSms(code({ locale: "de-CH" })).text).toBe(
      "Contoso: Ihr Code lautet 373318.",
    );
    expect(renderer.renderEmail(code({ locale: "de" })).subject).toBe(
      "Ihr Bestätigungscode für Contoso",
    );
    expect(renderer.renderSms(code({ locale: "fr" })).text).toMatch(/^373318 est votre code/);
  });

  it("adds a language: its missing strings fall back to English", () => {
    const renderer = createMessageRenderer({
      templates: { pt: { smsCode: "{code} é o seu código {app}. Não o partilhe." } },
    });
    expect(renderer.locales).toContain("pt");
    const sms = renderer.renderSms(code({ locale: "pt-BR" }));
    expect(sms).toEqual({ locale: "pt", text: "373318 é o seu código Contoso. Não o partilhe." });
    expect(renderer.renderEmail(code({ locale: "pt" })).subject).toBe(
      "Your Contoso verification code",
    );
  });

  it("fills placeholders once: an app name that looks like a placeholder stays literal", () => {
    const sms = renderSms(code({ appName: "{code}" }));
    expect(sms.text).toBe(
      "373318 is your {code} code to set up sign-in verification. It expires in 10 min. Don't share it with anyone.",
    );
  });

  it("refuses unknown string names, an SMS without {code} and bad tags, all in one error", () => {
    try {
      createMessageRenderer({
        templates: {
          en: { smsCod: "typo" } as never,
          de: { smsCode: "kein Code" },
          "not a tag": {},
        },
      });
      throw new Error("expected config_invalid");
    } catch (e) {
      expect(isMfaError(e, "config_invalid")).toBe(true);
      expect((e as Error).message).toContain("en.smsCod: unknown string");
      expect((e as Error).message).toContain("de.smsCode: must contain {code}");
      expect((e as Error).message).toContain("not a tag: not a BCP 47 tag");
    }
  });
});

describe("input checks (REL-07)", () => {
  it.each([
    [{ code: "12 34" }, "invalid_input"],
    [{ code: "123" }, "invalid_input"],
    [{ code: "1".repeat(13) }, "invalid_input"],
    [{ ttlMinutes: 0 }, "invalid_input"],
    [{ ttlMinutes: 2.5 }, "invalid_input"],
    [{ purpose: "constructor" as CodePurpose }, "invalid_input"],
    [{ appName: "A".repeat(65) }, "input_too_long"],
  ])("%j → %s", (over, want) => {
    expectCode(() => renderSms(code(over)), want);
  });
});

describe("smsSegments", () => {
  it("counts GSM-7, its extension table and UCS-2 as providers bill them", () => {
    expect(smsSegments("a".repeat(160))).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
    expect(smsSegments("a".repeat(161))).toEqual({ encoding: "GSM-7", units: 161, segments: 2 });
    expect(smsSegments("€".repeat(80))).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
    expect(smsSegments("äöüßÄÖÜéè")).toMatchObject({ encoding: "GSM-7" });
    expect(smsSegments("código")).toEqual({ encoding: "UCS-2", units: 6, segments: 1 });
    expect(smsSegments("ç".repeat(71))).toMatchObject({ encoding: "UCS-2", segments: 2 });
    expect(smsSegments("🔐".repeat(35))).toMatchObject({ units: 70, segments: 1 });
  });
});
