// A local stand-in for Twilio's REST API, strict about what Twilio documents: the path with the
// account SID, HTTP Basic auth (Auth Token or API key), form encoding, required parameters, E.164
// numbers, TwiML that parses, and Twilio's JSON answers and error bodies
// (https://www.twilio.com/docs/usage/requests-to-twilio, .../messaging/api/message-resource,
// .../voice/api/call-resource, .../api/errors).
import { createHmac, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type ProbeFailure,
  type ProbeMessage,
  type SenderProbe,
  startFakeProviderServer,
} from "@mfakit/testing";

/** A request as it reached the server. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly rawBody: string;
  readonly form: URLSearchParams;
}

/** A call's TwiML, parsed. */
export interface ParsedTwiml {
  readonly verbs: readonly (
    | { verb: "Say"; text: string; language: string; voice?: string }
    | { verb: "Pause"; length: number }
  )[];
}

type Answer = { status: number; body: unknown; location?: string } | "hang";

export interface FakeTwilio {
  readonly url: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly probe: SenderProbe;
  /** Every request, accepted or not. */
  readonly requests: RecordedRequest[];
  /** Makes the next request get exactly this answer (after authentication). */
  failNextWith(status: number, body: unknown): void;
  /** The SIDs of the messages and calls the fake accepted, oldest first. */
  readonly sids: string[];
  /**
   * Posts a status callback for `sid` to the `StatusCallback` its request named, as Twilio does:
   * form-encoded, `MessageSid`/`MessageStatus` for a message, `CallSid`/`CallStatus` for a call,
   * `ErrorCode` if given, signed with `X-Twilio-Signature` under the Auth Token (or
   * `signWith`); `tamper` changes the body after signing. Answers the webhook's HTTP status.
   */
  postStatus(
    sid: string,
    status: string,
    options?: { errorCode?: string; signWith?: string; tamper?: (body: string) => string },
  ): Promise<number>;
  close(): Promise<void>;
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const E164 = /^\+[1-9]\d{1,14}$/;

const twilioError = (status: number, code: number, message: string) => ({
  status,
  body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});

const INJECTED: Record<Exclude<ProbeFailure, "timeout">, (resource: string) => Answer> = {
  rejected: (resource) =>
    resource === "Messages"
      ? twilioError(400, 21610, "Attempt to send to unsubscribed recipient")
      : twilioError(400, 21211, "The 'To' number is not a valid phone number."),
  throttled: () => twilioError(429, 20429, "Too Many Requests"),
  unavailable: () => twilioError(500, 20500, "Internal Server Error"),
};

/** Decodes XML text: only the five predefined entities and numeric references are valid. */
function xmlText(text: string): string {
  if (/[<>]/.test(text)) throw new Error("markup in text");
  return text.replace(/&([^;]*);/g, (_, entity: string) => {
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    if (entity in named) return named[entity] as string;
    const num = /^#(x[0-9a-fA-F]+|\d+)$/.exec(entity)?.[1];
    if (num)
      return String.fromCodePoint(Number.parseInt(num.replace("x", ""), num[0] === "x" ? 16 : 10));
    throw new Error(`unknown entity &${entity};`);
  });
}

/** Parses the TwiML a code call may use (<Say>, <Pause>); anything else fails, as in 12100. */
export function parseTwiml(twiml: string): ParsedTwiml {
  const doc = /^<\?xml version="1\.0" encoding="UTF-8"\?><Response>(.*)<\/Response>$/s.exec(twiml);
  if (!doc) throw new Error("not a TwiML document");
  const verbs: ParsedTwiml["verbs"][number][] = [];
  const token =
    /<Say language="([^"<&]*)"(?: voice="([^"<]*)")?>([^<]*)<\/Say>|<Pause length="(\d+)"\/>/gy;
  const body = doc[1] ?? "";
  let at = 0;
  while (at < body.length) {
    token.lastIndex = at;
    const m = token.exec(body);
    if (!m) throw new Error(`unexpected TwiML at ${at}`);
    if (m[4] !== undefined) verbs.push({ verb: "Pause", length: Number(m[4]) });
    else {
      verbs.push({
        verb: "Say",
        language: m[1] ?? "",
        text: xmlText(m[3] ?? ""),
        ...(m[2] !== undefined ? { voice: xmlText(m[2]) } : {}),
      });
    }
    at = token.lastIndex;
  }
  return { verbs };
}

export function spoken(twiml: ParsedTwiml): string {
  return twiml.verbs.flatMap((v) => (v.verb === "Say" ? [v.text] : [])).join(" ");
}

export async function startFakeTwilio(): Promise<FakeTwilio> {
  const accountSid = `AC${hex(16)}`;
  const authToken = hex(16);
  const apiKey = `SK${hex(16)}`;
  const apiSecret = hex(16);
  const requests: RecordedRequest[] = [];
  const received: ProbeMessage[] = [];
  const injected: Answer[] = [];
  const failNext: SenderProbe["failNext"] = (failure) => {
    injected.push(failure === "timeout" ? "hang" : { status: 0, body: failure });
  };

  const sids: string[] = [];
  const callbacks = new Map<string, { url: string; to: string }>();
  const accepted = (sid: string, to: string, form: URLSearchParams) => {
    sids.push(sid);
    const url = form.get("StatusCallback");
    if (url) callbacks.set(sid, { url, to });
  };

  /** Twilio's signature, computed here independently of the adapter's verifier. */
  const sign = (token: string, url: string, form: URLSearchParams) => {
    const names = [...new Set(form.keys())].sort();
    const payload = names
      .map((n) =>
        form
          .getAll(n)
          .sort()
          .map((v) => n + v)
          .join(""),
      )
      .join("");
    return createHmac("sha1", token)
      .update(url + payload)
      .digest("base64");
  };

  const postStatus: FakeTwilio["postStatus"] = async (sid, status, options = {}) => {
    const target = callbacks.get(sid);
    if (!target) throw new Error(`no StatusCallback for ${sid}`);
    const call = sid.startsWith("CA");
    const form = new URLSearchParams({
      AccountSid: accountSid,
      To: target.to,
      ApiVersion: "2010-04-01",
      ...(call
        ? { CallSid: sid, CallStatus: status, Direction: "outbound-api" }
        : { MessageSid: sid, SmsSid: sid, MessageStatus: status, SmsStatus: status }),
      ...(options.errorCode ? { ErrorCode: options.errorCode } : {}),
    });
    const body = form.toString();
    const signature = sign(options.signWith ?? authToken, target.url, form);
    const response = await fetch(target.url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": signature,
      },
      body: options.tamper ? options.tamper(body) : body,
    });
    return response.status;
  };

  const authenticated = (req: IncomingMessage, pathSid: string) => {
    const [scheme, encoded = ""] = (req.headers.authorization ?? "").split(" ");
    if (scheme !== "Basic") return false;
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const credentials =
      (user === accountSid && password === authToken) ||
      (user === apiKey && password === apiSecret);
    return colon > 0 && credentials && pathSid === accountSid;
  };

  const messages = (form: URLSearchParams): Answer => {
    const to = form.get("To") ?? "";
    if (!form.has("To")) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!E164.test(to))
      return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    const service = form.get("MessagingServiceSid");
    if (service !== null && !/^MG[0-9a-f]{32}$/.test(service))
      return twilioError(400, 21701, "The Messaging Service Sid is invalid.");
    if (!form.get("From") && !service)
      return twilioError(400, 21603, "A 'From' phone number is required.");
    const body = form.get("Body");
    if (!body) return twilioError(400, 21602, "Message body is required.");
    if (body.length > 1600)
      return twilioError(
        400,
        21617,
        "The concatenated message body exceeds the 1600 character limit.",
      );
    received.push({ to, text: body });
    const sid = `SM${hex(16)}`;
    accepted(sid, to, form);
    return {
      status: 201,
      body: {
        sid,
        account_sid: accountSid,
        to,
        from: form.get("From"),
        messaging_service_sid: service,
        body,
        status: service ? "accepted" : "queued",
        num_segments: "1",
        direction: "outbound-api",
        api_version: "2010-04-01",
        price: null,
        error_code: null,
        error_message: null,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      },
    };
  };

  const calls = (form: URLSearchParams): Answer => {
    const to = form.get("To") ?? "";
    if (!E164.test(to))
      return twilioError(
        400,
        21211,
        `The phone number you are attempting to call, ${to}, is not valid.`,
      );
    if (!E164.test(form.get("From") ?? ""))
      return twilioError(400, 21212, "Invalid 'From' phone number.");
    const twiml = form.get("Twiml");
    if (twiml === null && !form.get("Url") && !form.get("ApplicationSid"))
      return twilioError(400, 21205, "Url parameter is required.");
    if (twiml !== null && twiml.length > 4000)
      return twilioError(400, 21232, "Twiml exceeds 4000 characters.");
    const digits = form.get("SendDigits");
    if (digits !== null && !/^[0-9#*wW]{1,32}$/.test(digits))
      return twilioError(400, 21231, "SendDigits is invalid.");
    let parsed: ParsedTwiml;
    try {
      parsed = parseTwiml(twiml ?? "");
    } catch {
      return twilioError(400, 12100, "Document parse failure");
    }
    received.push({ to, text: spoken(parsed) });
    const sid = `CA${hex(16)}`;
    accepted(sid, to, form);
    return {
      status: 201,
      body: {
        sid,
        account_sid: accountSid,
        to,
        from: form.get("From"),
        status: "queued",
        direction: "outbound-api",
        api_version: "2010-04-01",
      },
    };
  };

  const handle = (req: IncomingMessage, res: ServerResponse, rawBody: string) => {
    const send = (answer: Exclude<Answer, "hang">) => {
      res.writeHead(answer.status, {
        "content-type": "application/json; charset=utf-8",
        ...(answer.location ? { location: answer.location } : {}),
      });
      res.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
    };
    const form = new URLSearchParams(rawBody);
    requests.push({
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      rawBody,
      form,
    });
    const route = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/.exec(req.url ?? "");
    if (!route) return send(twilioError(404, 20404, "The requested resource was not found"));
    if (req.method !== "POST") return send(twilioError(405, 20004, "Method not allowed"));
    if (!authenticated(req, route[1] ?? "")) return send(twilioError(401, 20003, "Authenticate"));
    // Form encoding: only unreserved characters, '+' (space) and %XX escapes may appear raw.
    if (
      !(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded") ||
      /[^A-Za-z0-9*\-._~%+=&]/.test(rawBody)
    ) {
      return send(twilioError(400, 21604, "A 'To' phone number is required."));
    }
    const next = injected.shift();
    if (next === "hang") return; // never answered: the client's timeout must fire
    if (next && typeof next.body === "string" && next.status === 0) {
      return send(
        INJECTED[next.body as Exclude<ProbeFailure, "timeout">](route[2] ?? "") as Exclude<
          Answer,
          "hang"
        >,
      );
    }
    if (next) return send(next as Exclude<Answer, "hang">);
    return send(
      (route[2] === "Messages" ? messages(form) : calls(form)) as Exclude<Answer, "hang">,
    );
  };

  const server = await startFakeProviderServer(handle);

  return {
    url: server.url,
    accountSid,
    authToken,
    apiKey,
    apiSecret,
    requests,
    probe: {
      received: () => received,
      failNext,
      redirectNext: (location) => {
        injected.push({ status: 307, body: {}, location });
      },
    },
    failNextWith: (status, body) => {
      injected.push({ status, body });
    },
    sids,
    postStatus,
    close: server.close,
  };
}
