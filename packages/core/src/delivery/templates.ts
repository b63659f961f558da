/**
 * Message templates: the SMS text, voice script and email (subject, text, HTML) for a one-time
 * code or a security notice, in the user's language.
 *
 * Rendering is pure: the same input gives the same output, no clock, no I/O. Inputs are checked
 * before anything is rendered, so a bad app name or code throws `invalid_input` and costs no
 * provider call. Every interpolated value is HTML-escaped in the HTML body, and a subject can
 * never hold a line break (header injection is refused here as well as in the SMTP adapter).
 * Notices (BIND-02) have no field that could carry a secret: they name the kind of sign-in
 * method and the change, nothing else.
 *
 * @module
 */

import { MfaError } from "../errors.js";
import type { CeremonyKind } from "../factors/registry.js";
import type { VoiceSegment } from "../ports/senders.js";
import { negotiateLocale, spokenLocale } from "./locale.js";
import { builtInStrings, type TemplateStrings, templateStringKeys } from "./strings.js";

/** Why a code is sent; chooses the `{purpose}` phrase. */
export type CodePurpose = "enrol" | "signin" | "recovery-email" | "recovery-phone";

/**
 * A sign-in method a notice may name: core's own, or a ceremony kind from a factor module (named
 * by the renderer's `factorNames`).
 */
export type NoticeFactor =
  | CeremonyKind
  | "phone"
  | "office-phone"
  | "authenticator-app"
  | "app-password"
  | "recovery-email"
  | "recovery-phone"
  | "temporary-access-pass"
  | "passkey"
  | "recovery-codes";

/** A message carrying a one-time code. */
export interface CodeMessageInput {
  readonly kind: "code";
  /** The app's name as the user knows it, 1 to 64 characters, no control characters. */
  readonly appName: string;
  /** The code: 4 to 12 letters or digits. */
  readonly code: string;
  /** The user's BCP 47 tag; negotiated against the available locales (`de-CH` → `de`). */
  readonly locale: string;
  /** Why the code is sent. */
  readonly purpose: CodePurpose;
  /** The code's lifetime in whole minutes, 1 to 1440. */
  readonly ttlMinutes: number;
}

/** A security notice that a sign-in method was added, removed or changed (BIND-02). No secret. */
export interface NoticeMessageInput {
  readonly kind: "notice";
  /** The app's name as the user knows it, 1 to 64 characters, no control characters. */
  readonly appName: string;
  /** The user's BCP 47 tag. */
  readonly locale: string;
  /** What happened (`used`: a one-time method such as a pass or a recovery code signed in). */
  readonly change: "added" | "removed" | "changed" | "used";
  /** Which kind of sign-in method. */
  readonly factor: NoticeFactor;
  /**
   * A "this wasn't me" link (http or https, at most 2048 characters, no spaces or control
   * characters), shown in SMS and email notices. It carries a one-time token: nothing else.
   */
  readonly link?: string;
  /** With `used`: how many are left, when few are (adds the "make new ones" sentence). */
  readonly remaining?: number;
}

/** What a message is rendered from. */
export type MessageInput = CodeMessageInput | NoticeMessageInput;

/** Strings to replace, per locale tag; a tag no built-in covers adds a language (others fall back to English). */
export type TemplateOverrides = Readonly<Record<string, Partial<TemplateStrings>>>;

/** A rendered SMS: put `text` and `locale` into an `SmsMessage`. */
export interface RenderedSms {
  /** The locale actually used. */
  readonly locale: string;
  readonly text: string;
}

/** A rendered call: put `segments`, `locale` and `voiceLocale` into a `VoiceMessage`. */
export interface RenderedVoice {
  /** The locale actually used. */
  readonly locale: string;
  /**
   * The locale to speak it in: the user's full tag when it narrows `locale` (`en-GB` for `en`),
   * else `locale`. The voice adapter picks its TTS voice and accent from it.
   */
  readonly voiceLocale: string;
  readonly segments: readonly VoiceSegment[];
}

/** A rendered email: put these into an `EmailMessage`. */
export interface RenderedEmail {
  /** The locale actually used. */
  readonly locale: string;
  /** One line, no line breaks. */
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Options of {@link createMessageRenderer}. */
export interface MessageRendererOptions {
  /**
   * Strings to replace, per locale. Unknown string names are refused (a typo would otherwise
   * silently keep the default); an `smsCode` without `{code}` is refused.
   * @default {} (the built-in en, de, fr, es)
   */
  readonly templates?: TemplateOverrides;
  /**
   * Appends the origin-bound line of the WebOTP API to code SMS (`@example.com #123456`), so that
   * a browser on that site can offer to fill the code in and no other site can. A host name
   * only: no scheme, no port.
   * @default undefined (no line)
   * @see https://wicg.github.io/sms-one-time-codes/
   */
  readonly webOtpHost?: string;
  /** Used when no available locale matches. @default "en" */
  readonly fallbackLocale?: string;
  /**
   * Names of the factor kinds core's strings do not name (modules from outside core), per locale;
   * `en` is used where the locale has none. `createMfa` fills it from its `factors`.
   * @default {}
   */
  readonly factorNames?: Readonly<
    Record<string, { readonly en: string } & Readonly<Record<string, string>>>
  >;
}

/** Renders messages with one app's templates; validated once. */
export interface MessageRenderer {
  /** The locales this renderer has strings for. */
  readonly locales: readonly string[];
  /** The SMS text. */
  renderSms(input: MessageInput): RenderedSms;
  /** The voice script: the code read digit by digit with pauses, then once again. */
  renderVoice(input: MessageInput): RenderedVoice;
  /** The email subject, plain text and HTML. */
  renderEmail(input: MessageInput): RenderedEmail;
}

const MAX_APP_NAME = 64;
const MAX_STRING = 1000;
const MAX_LINK = 2048;
/** An absolute http(s) URL of printable ASCII: nothing a message could be split or spoofed by. */
const LINK = /^https?:\/\/[\x21-\x7e]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const HOST =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

const purposeKey: Record<CodePurpose, keyof TemplateStrings> = {
  enrol: "purposeEnrol",
  signin: "purposeSignin",
  "recovery-email": "purposeRecoveryEmail",
  "recovery-phone": "purposeRecoveryPhone",
};
// Core's own names; a module's kind is named by the renderer's `factorNames`.
const factorKey = {
  phone: "factorPhone",
  "office-phone": "factorOfficePhone",
  "authenticator-app": "factorAuthenticatorApp",
  "app-password": "factorAppPassword",
  "recovery-email": "factorRecoveryEmail",
  "recovery-phone": "factorRecoveryPhone",
  "temporary-access-pass": "factorTemporaryAccessPass",
  passkey: "factorPasskey",
  "recovery-codes": "factorRecoveryCodes",
} as const satisfies Partial<Record<NoticeFactor, keyof TemplateStrings>>;
const noticeKeys = {
  added: { subject: "noticeSubjectAdded", body: "noticeAdded" },
  removed: { subject: "noticeSubjectRemoved", body: "noticeRemoved" },
  changed: { subject: "noticeSubjectChanged", body: "noticeChanged" },
  used: { subject: "noticeSubjectUsed", body: "noticeUsed" },
} as const satisfies Record<NoticeMessageInput["change"], Record<string, keyof TemplateStrings>>;

/** Escapes the five characters that matter in HTML text and attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Fills `{name}` placeholders in one pass, so a value that contains `{code}` stays literal. */
function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

const invalid = (field: string, message: string) =>
  new MfaError("invalid_input", { message, data: { field } });

function checkInput(input: MessageInput, named: (factor: string) => boolean): void {
  const { appName } = input;
  if (typeof appName !== "string" || appName.trim().length === 0 || CONTROL.test(appName)) {
    throw invalid("appName", "An app name is a non-empty string without control characters.");
  }
  if (appName.length > MAX_APP_NAME) {
    throw new MfaError("input_too_long", { data: { field: "appName", max: MAX_APP_NAME } });
  }
  if (typeof input.locale !== "string") throw invalid("locale", "A locale is a string.");
  if (input.kind === "code") {
    if (typeof input.code !== "string" || !/^[0-9A-Za-z]{4,12}$/.test(input.code)) {
      throw invalid("code", "A code is 4 to 12 letters or digits.");
    }
    if (!Object.hasOwn(purposeKey, input.purpose)) throw invalid("purpose", "Unknown purpose.");
    const m = input.ttlMinutes;
    if (!Number.isInteger(m) || m < 1 || m > 1440) {
      throw invalid("ttlMinutes", "ttlMinutes is a whole number from 1 to 1440.");
    }
  } else if (input.kind === "notice") {
    if (!Object.hasOwn(noticeKeys, input.change)) throw invalid("change", "Unknown change.");
    if (!Object.hasOwn(factorKey, input.factor) && !named(input.factor))
      throw invalid("factor", "Unknown factor.");
    const { link } = input;
    if (link !== undefined && !isNoticeLink(link)) {
      throw invalid("link", "A link is an http or https URL without spaces.");
    }
    const r = input.remaining;
    if (r !== undefined && (!Number.isInteger(r) || r < 0 || r > 1000))
      throw invalid("remaining", "remaining is a whole number from 0 to 1000.");
  } else {
    throw invalid("kind", 'A message is of kind "code" or "notice".');
  }
}

/** Whether `value` may be a notice's link: an http(s) URL of printable ASCII, ≤ 2048 characters. */
export function isNoticeLink(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_LINK && LINK.test(value);
}

/** Validates overrides once; every problem in one error (STYLE 7). */
function checkOverrides(templates: TemplateOverrides, webOtpHost: string | undefined): void {
  const problems: string[] = [];
  const known = new Set<string>(templateStringKeys);
  for (const [locale, strings] of Object.entries(templates)) {
    if (negotiateLocale(locale, [locale], "") !== locale)
      problems.push(`${locale}: not a BCP 47 tag`);
    for (const [key, value] of Object.entries(strings ?? {})) {
      if (!known.has(key)) problems.push(`${locale}.${key}: unknown string`);
      else if (typeof value !== "string" || value.length > MAX_STRING)
        problems.push(`${locale}.${key}: a string of at most ${MAX_STRING} characters`);
      else if (key === "smsCode" && !value.includes("{code}"))
        problems.push(`${locale}.smsCode: must contain {code}`);
      else if (key === "noticeUndo" && !value.includes("{link}"))
        problems.push(`${locale}.noticeUndo: must contain {link}`);
    }
  }
  if (webOtpHost !== undefined && !HOST.test(webOtpHost)) {
    problems.push("webOtpHost: a lower-case host name, no scheme or port");
  }
  if (problems.length > 0) {
    throw new MfaError("config_invalid", {
      message: `Message templates are invalid: ${problems.join("; ")}.`,
      data: { problems: problems.length },
    });
  }
}

/**
 * A renderer with an app's own strings and options, checked once.
 *
 * @example
 * ```ts
 * const messages = createMessageRenderer({
 *   templates: { en: { smsCode: "{app}: {code} is your code. Never share it." } },
 *   webOtpHost: "login.example.com",
 * });
 * const { text, locale } = messages.renderSms({
 *   kind: "code", appName: "Contoso", code: "123456", locale: "en-GB",
 *   purpose: "signin", ttlMinutes: 10,
 * });
 * await sms.send({ to, text, locale, idempotencyKey });
 * ```
 */
export function createMessageRenderer(options: MessageRendererOptions = {}): MessageRenderer {
  const templates = options.templates ?? {};
  const { webOtpHost } = options;
  checkOverrides(templates, webOtpHost);
  const fallback = options.fallbackLocale ?? "en";
  const factorNames = options.factorNames ?? {};
  const named = (factor: string) => typeof factorNames[factor]?.en === "string";
  /** How a notice names `factor` in `locale`: core's string, else the module's own name. */
  const factorName = (s: TemplateStrings, locale: string, factor: NoticeFactor) => {
    if (Object.hasOwn(factorKey, factor)) return s[factorKey[factor as keyof typeof factorKey]];
    const names = factorNames[factor];
    return names?.[locale] ?? names?.en ?? "";
  };

  const tables = new Map<string, TemplateStrings>();
  for (const locale of new Set([...Object.keys(builtInStrings), ...Object.keys(templates)])) {
    tables.set(
      locale,
      // Overrides were checked to hold strings only, so every key ends up a string.
      Object.freeze({
        ...builtInStrings.en,
        ...builtInStrings[locale],
        ...templates[locale],
      }) as TemplateStrings,
    );
  }
  const locales = Object.freeze([...tables.keys()]);
  if (!tables.has(fallback)) {
    throw new MfaError("config_invalid", {
      message: "fallbackLocale must be one of the available locales.",
      data: { field: "fallbackLocale" },
    });
  }

  const negotiated = new Map<string, string>();

  /** The strings for `input`'s locale and the placeholder values, after checking the input. */
  const prepare = (input: MessageInput) => {
    checkInput(input, named);
    let locale = negotiated.get(input.locale);
    if (locale === undefined) {
      locale = negotiateLocale(input.locale, locales, fallback);
      // Few distinct tags reach a server; the bound keeps hostile input from growing the map.
      if (negotiated.size < 1000) negotiated.set(input.locale, locale);
    }
    const s = tables.get(locale) as TemplateStrings;
    const app = input.appName.trim();
    const values: Record<string, string> =
      input.kind === "code"
        ? {
            app,
            code: input.code,
            minutes: String(input.ttlMinutes),
            purpose: fill(s[purposeKey[input.purpose]], { app }),
          }
        : {
            app,
            factor: fill(factorName(s, locale, input.factor), { app }),
            link: input.link ?? "",
            remaining: String(input.remaining ?? ""),
          };
    const t = (key: keyof TemplateStrings) => fill(s[key], values);
    return { locale, t };
  };

  const noticeLines = (input: NoticeMessageInput, t: (k: keyof TemplateStrings) => string) => ({
    subject: t(noticeKeys[input.change].subject),
    body:
      input.remaining === undefined
        ? t(noticeKeys[input.change].body)
        : `${t(noticeKeys[input.change].body)} ${t("noticeFewLeft")}`,
    ifNotYou: t("noticeIfNotYou"),
    undo: input.link ? t("noticeUndo") : null,
  });

  return Object.freeze({
    locales,

    renderSms(input: MessageInput): RenderedSms {
      const { locale, t } = prepare(input);
      if (input.kind === "notice") {
        const n = noticeLines(input, t);
        // With a link, the undo line takes the place of the advice: one SMS stays short.
        return { locale, text: `${n.body} ${n.undo ?? n.ifNotYou}` };
      }
      const text = t("smsCode");
      // The origin-bound line must be the message's last line (WebOTP, "Message format").
      return { locale, text: webOtpHost ? `${text}\n\n@${webOtpHost} #${input.code}` : text };
    },

    renderVoice(input: MessageInput): RenderedVoice {
      const prepared = prepare(input);
      const { t } = prepared;
      const rendered = {
        locale: prepared.locale,
        voiceLocale: spokenLocale(input.locale, prepared.locale),
      };
      const say = (text: string): VoiceSegment => ({ kind: "say", text });
      const pause = (seconds: number): VoiceSegment => ({ kind: "pause", seconds });
      if (input.kind === "notice") {
        const n = noticeLines(input, t);
        return {
          ...rendered,
          segments: [say(t("voiceGreeting")), say(n.body), say(n.ifNotYou), say(t("voiceGoodbye"))],
        };
      }
      // One character per say-segment with a one-second pause between (whole seconds, because
      // TwiML's <Pause> takes no fractions), so the listener can write each digit down.
      const spell = [...input.code.toUpperCase()].flatMap((ch, i) =>
        i === 0 ? [say(ch)] : [pause(1), say(ch)],
      );
      return {
        ...rendered,
        segments: [
          say(t("voiceGreeting")),
          say(t("voiceCodeIntro")),
          pause(1),
          ...spell,
          pause(1),
          say(t("voiceRepeat")),
          pause(1),
          ...spell,
          pause(1),
          say(t("voiceCodeOutro")),
        ],
      };
    },

    renderEmail(input: MessageInput): RenderedEmail {
      const { locale, t } = prepare(input);
      // A subject is one header line: whatever an override holds, no line break survives.
      const oneLine = (s: string) => s.replace(/[\r\n\u2028\u2029]+/g, " ").trim();
      if (input.kind === "notice") {
        const n = noticeLines(input, t);
        const paragraphs = [t("emailGreeting"), n.body, ...(n.undo ? [n.undo] : []), n.ifNotYou];
        const html = [t("emailGreeting"), n.body].map(htmlParagraph);
        // The link is an anchor in HTML: the template's words around it stay escaped text.
        if (input.link) html.push(htmlLinkParagraph(t, input.link));
        html.push(htmlParagraph(n.ifNotYou));
        return {
          locale,
          subject: oneLine(n.subject),
          text: `${paragraphs.join("\n\n")}\n`,
          html: htmlPage(locale, oneLine(n.subject), html),
        };
      }
      const subject = oneLine(t("emailCodeSubject"));
      const text = [
        t("emailGreeting"),
        "",
        t("emailCodeIntro"),
        "",
        `    ${input.code}`,
        "",
        t("emailCodeExpiry"),
        t("emailDoNotShare"),
        "",
        t("emailCodeIgnore"),
        "",
      ].join("\n");
      const html = htmlPage(locale, subject, [
        htmlParagraph(t("emailGreeting")),
        htmlParagraph(t("emailCodeIntro")),
        `<p style="font-size:28px;font-weight:700;letter-spacing:6px;font-family:ui-monospace,Menlo,Consolas,monospace;margin:24px 0">${escapeHtml(input.code)}</p>`,
        htmlParagraph(`${t("emailCodeExpiry")} ${t("emailDoNotShare")}`),
        `<p style="color:#656d76;font-size:13px">${escapeHtml(t("emailCodeIgnore"))}</p>`,
      ]);
      return { locale, subject, text, html };
    },
  });
}

const htmlParagraph = (text: string) => `<p>${escapeHtml(text)}</p>`;

/** The undo line as HTML: the words escaped, each `{link}` an anchor to the (escaped) link. */
function htmlLinkParagraph(t: (k: keyof TemplateStrings) => string, link: string): string {
  const a = `<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`;
  return `<p>${t("noticeUndo").split(link).map(escapeHtml).join(a)}</p>`;
}

/** A minimal, inline-styled page (mail clients drop <style> blocks and external CSS). */
function htmlPage(locale: string, title: string, body: readonly string[]): string {
  return [
    "<!doctype html>",
    `<html lang="${escapeHtml(locale)}">`,
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>`,
    "<body style=\"margin:0;padding:24px;background:#f6f7f9;color:#1f2328;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5\">",
    '<div style="max-width:480px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">',
    ...body,
    "</div>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

let defaultRenderer: MessageRenderer | undefined;
const builtIn = (): MessageRenderer => {
  defaultRenderer ??= createMessageRenderer();
  return defaultRenderer;
};

/**
 * The SMS text for `input` with the built-in strings (or `options`' overrides).
 * For many calls with the same overrides, build one {@link createMessageRenderer} instead.
 */
export function renderSms(input: MessageInput, options?: MessageRendererOptions): RenderedSms {
  return (options ? createMessageRenderer(options) : builtIn()).renderSms(input);
}

/** The voice script for `input`; see {@link renderSms}. */
export function renderVoice(input: MessageInput, options?: MessageRendererOptions): RenderedVoice {
  return (options ? createMessageRenderer(options) : builtIn()).renderVoice(input);
}

/** The email for `input`; see {@link renderSms}. */
export function renderEmail(input: MessageInput, options?: MessageRendererOptions): RenderedEmail {
  return (options ? createMessageRenderer(options) : builtIn()).renderEmail(input);
}
