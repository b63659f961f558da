// A local stand-in for Vonage's SMS API (rest.nexmo.com/sms/json) and Voice API
// (api.nexmo.com/v1/calls), strict about what Vonage documents: api_key/api_secret, numbers
// without '+', type=unicode for non-GSM text (without it the text arrives garbled, as on a
// handset), the application JWT verified with the application's public key, the NCCO shape, SSML
// that parses, and Vonage's answers: SMS statuses in an HTTP 200 body, RFC 7807 problems for voice.
import {
  createHash,
  createHmac,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  verify,
} from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { smsSegments } from "@mfakit/core/delivery";
import {
  type ProbeFailure,
  type ProbeMessage,
  type SenderProbe,
  startFakeProviderServer,
} from "@mfakit/testing";

export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly rawBody: string;
  /** Form fields (SMS) or the JSON body (voice). */
  readonly params: Record<string, unknown>;
}

type Reply = { status: number; body: unknown; location?: string };
type Answer = Reply | "hang";

export interface FakeVonage {
  readonly url: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly applicationId: string;
  /** PEM of the application's private key (what the Dashboard hands out). */
  readonly privateKey: string;
  readonly probe: SenderProbe;
  readonly requests: RecordedRequest[];
  /** Makes the next request get exactly this answer (after authentication). */
  failNextWith(status: number, body: unknown): void;
  /** The account's signature secret (signed SMS webhooks and signed Voice webhooks). */
  readonly signatureSecret: string;
  /** The SMS message ids and call uuids the fake gave out, oldest first. */
  readonly ids: string[];
  /**
   * Posts an SMS delivery receipt for `messageId` to the `callback` its request named, signed
   * with `sig` (sha256hmac under the signature secret, or `signWith`) as GET, form POST or JSON
   * POST; `tamper` changes the parameters after signing. Answers the HTTP status.
   */
  postReceipt(
    messageId: string,
    status: string,
    options?: {
      as?: "GET" | "POST" | "JSON";
      errorCode?: string;
      signWith?: string;
      unsigned?: boolean;
      tamper?: (params: Record<string, string>) => Record<string, string>;
    },
  ): Promise<number>;
  /**
   * Posts a call event for `uuid` to the call's `event_url`, JSON with a signed JWT
   * (`payload_hash` of the body) under the signature secret (or `signWith`); `tamper` changes
   * the body after signing. Answers the HTTP status.
   */
  postCallEvent(
    uuid: string,
    status: string,
    options?: { signWith?: string; tamper?: (body: string) => string },
  ): Promise<number>;
  close(): Promise<void>;
}

const VONAGE_NUMBER = /^[1-9]\d{6,14}$/;

const smsStatus = (status: string, errorText: string): Reply => ({
  status: 200,
  body: { "message-count": "1", messages: [{ status, "error-text": errorText }] },
});
const problem = (status: number, type: string, title: string, extra: object = {}): Reply => ({
  status,
  body: {
    type: `https://developer.nexmo.com/api-errors#${type}`,
    title,
    detail: title,
    instance: randomUUID(),
    ...extra,
  },
});
const badParam = (name: string, reason: string) =>
  problem(400, "invalid-params", "Bad Request", { invalid_parameters: [{ name, reason }] });

const INJECTED: Record<Exclude<ProbeFailure, "timeout">, (voice: boolean) => Reply> = {
  rejected: (voice) =>
    voice ? badParam("to[0].number", "Invalid number") : smsStatus("7", "Number barred."),
  throttled: (voice) =>
    voice
      ? problem(429, "throttled", "Throttled")
      : smsStatus("1", "Throughput Rate Exceeded - please wait [ 30 ] and retry"),
  unavailable: (voice) =>
    voice
      ? problem(503, "internal-error", "Service Unavailable")
      : { status: 500, body: "<html>Internal Server Error</html>" },
};

/** Parses the SSML a talk action may carry: text and <break time="Nms"/> inside <speak>. */
export function parseSsml(ssml: string): { text: string; breaksMs: number[] } {
  const doc = /^<speak>(.*)<\/speak>$/s.exec(ssml);
  if (!doc) throw new Error("not SSML");
  const breaksMs: number[] = [];
  const texts: string[] = [];
  for (const piece of (doc[1] ?? "").split(/(<[^>]*>)/)) {
    if (piece.startsWith("<")) {
      const m = /^<break time="(\d+)ms"\/>$/.exec(piece);
      if (!m) throw new Error(`unexpected SSML tag ${piece}`);
      breaksMs.push(Number(m[1]));
      continue;
    }
    if (piece.includes(">")) throw new Error("stray '>'");
    texts.push(
      piece.replace(/&([^;]*);/g, (_, e: string) => {
        const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
        if (!(e in named)) throw new Error(`unknown entity &${e};`);
        return named[e] as string;
      }),
    );
  }
  return { text: texts.join(" ").replace(/\s+/g, " ").trim(), breaksMs };
}

/** Checks the application JWT: RS256 under the public key, this application, fresh. */
function jwtValid(
  authorization: string | undefined,
  publicKey: ReturnType<typeof generateKeyPairSync>["publicKey"],
  applicationId: string,
): boolean {
  const token = /^Bearer (.+)$/.exec(authorization ?? "")?.[1] ?? "";
  const [h = "", p = "", s = ""] = token.split(".");
  try {
    const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    const claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
    const now = Date.now() / 1000;
    return (
      header.alg === "RS256" &&
      verify("sha256", Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, "base64url")) &&
      claims.application_id === applicationId &&
      typeof claims.jti === "string" &&
      Math.abs(now - claims.iat) < 300 &&
      (claims.exp === undefined || claims.exp > now)
    );
  } catch {
    return false;
  }
}

export async function startFakeVonage(): Promise<FakeVonage> {
  const apiKey = randomBytes(4).toString("hex");
  const apiSecret = randomBytes(8).toString("hex");
  const applicationId = randomUUID();
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const requests: RecordedRequest[] = [];
  const received: ProbeMessage[] = [];
  const injected: Answer[] = [];
  const signatureSecret = randomBytes(16).toString("hex");
  const ids: string[] = [];
  const callbacks = new Map<string, { url: string; to: string }>();

  /** The SMS API's `sig`, computed here independently of the adapter's verifier. */
  const smsSig = (params: Record<string, string>, secret: string) => {
    const signed = Object.keys(params)
      .sort()
      .map((k) => `&${k}=${(params[k] ?? "").replace(/[&=]/g, "_")}`)
      .join("");
    return createHmac("sha256", secret).update(signed).digest("hex").toUpperCase();
  };

  const postReceipt: FakeVonage["postReceipt"] = async (messageId, status, options = {}) => {
    const target = callbacks.get(messageId);
    if (!target) throw new Error(`no callback for ${messageId}`);
    const params: Record<string, string> = {
      msisdn: target.to,
      to: "Contoso",
      "network-code": "23410",
      messageId,
      price: "0.03330000",
      status,
      scts: "2611250900",
      "err-code": options.errorCode ?? "0",
      "api-key": apiKey,
      "message-timestamp": new Date().toISOString().slice(0, 19).replace("T", " "),
      timestamp: String(Math.floor(Date.now() / 1000)),
      nonce: randomUUID(),
    };
    if (!options.unsigned) params.sig = smsSig(params, options.signWith ?? signatureSecret);
    const sent = options.tamper ? options.tamper(params) : params;
    const as = options.as ?? "POST";
    const response =
      as === "GET"
        ? await fetch(`${target.url}?${new URLSearchParams(sent)}`)
        : await fetch(target.url, {
            method: "POST",
            headers: {
              "content-type":
                as === "JSON" ? "application/json" : "application/x-www-form-urlencoded",
            },
            body: as === "JSON" ? JSON.stringify(sent) : new URLSearchParams(sent).toString(),
          });
    return response.status;
  };

  const postCallEvent: FakeVonage["postCallEvent"] = async (uuid, status, options = {}) => {
    const target = callbacks.get(uuid);
    if (!target) throw new Error(`no event_url for ${uuid}`);
    const body = JSON.stringify({
      uuid,
      conversation_uuid: `CON-${randomUUID()}`,
      status,
      direction: "outbound",
      to: target.to,
      from: "447700900000",
      timestamp: new Date().toISOString(),
    });
    const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const header = b64({ alg: "HS256", typ: "JWT" });
    const claims = b64({
      iat: Math.floor(Date.now() / 1000),
      jti: randomUUID(),
      iss: "Vonage",
      api_key: apiKey,
      application_id: applicationId,
      payload_hash: createHash("sha256").update(body).digest("hex"),
    });
    const signature = createHmac("sha256", options.signWith ?? signatureSecret)
      .update(`${header}.${claims}`)
      .digest("base64url");
    const response = await fetch(target.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${header}.${claims}.${signature}`,
      },
      body: options.tamper ? options.tamper(body) : body,
    });
    return response.status;
  };

  const sms = (p: Record<string, string>): Reply => {
    for (const name of ["api_key", "api_secret", "from", "to", "text"]) {
      if (!p[name]) return smsStatus("2", `Missing ${name} param`);
    }
    if (p.api_key !== apiKey || p.api_secret !== apiSecret)
      return smsStatus("4", "Bad Credentials");
    const to = p.to ?? "";
    if (!VONAGE_NUMBER.test(to)) return smsStatus("3", "Invalid to param");
    const text = p.text ?? "";
    // Sent as GSM-7 unless type=unicode: characters outside GSM-7 arrive as '?'.
    const delivered =
      p.type === "unicode"
        ? text
        : [...text].map((ch) => (smsSegments(ch).encoding === "GSM-7" ? ch : "?")).join("");
    received.push({
      to: `+${to}`,
      text: delivered,
      ...(p["client-ref"] ? { idempotencyKey: p["client-ref"] } : {}),
    });
    const id = randomBytes(8).toString("hex").toUpperCase();
    ids.push(id);
    if (p.callback) callbacks.set(id, { url: p.callback, to });
    return {
      status: 200,
      body: {
        "message-count": "1",
        messages: [
          {
            to,
            "message-id": id,
            status: "0",
            "remaining-balance": "3.14159265",
            "message-price": "0.03330000",
            network: "23410",
            ...(p["client-ref"] ? { "client-ref": p["client-ref"] } : {}),
          },
        ],
      },
    };
  };

  const call = (b: Record<string, unknown>): Reply => {
    const to = Array.isArray(b.to) ? (b.to[0] as Record<string, unknown> | undefined) : undefined;
    if (!to || (b.to as unknown[]).length !== 1 || to.type !== "phone")
      return badParam("to", "must be one phone endpoint");
    if (typeof to.number !== "string" || !VONAGE_NUMBER.test(to.number))
      return badParam("to[0].number", "Invalid number");
    if (to.dtmf_answer !== undefined && !/^[0-9*#p]{1,64}$/.test(String(to.dtmf_answer)))
      return badParam("to[0].dtmf_answer", "Invalid digits");
    const from = b.from as Record<string, unknown> | undefined;
    if (
      from?.type !== "phone" ||
      typeof from.number !== "string" ||
      !VONAGE_NUMBER.test(from.number)
    )
      return badParam("from.number", "Invalid number");
    const ncco = b.ncco;
    if (!Array.isArray(ncco) || ncco.length === 0) return badParam("ncco", "required");
    const spokenParts: string[] = [];
    for (const action of ncco as Record<string, unknown>[]) {
      if (action.action !== "talk" || typeof action.text !== "string")
        return badParam("ncco", "only talk actions with text");
      if (typeof action.language !== "string" || !/^[a-z]{2,3}-[A-Z]{2}$/.test(action.language))
        return badParam("ncco.language", "Invalid language");
      try {
        spokenParts.push(parseSsml(action.text).text);
      } catch {
        return badParam("ncco.text", "Invalid SSML");
      }
    }
    received.push({ to: `+${to.number}`, text: spokenParts.join(" ") });
    const uuid = randomUUID();
    ids.push(uuid);
    const eventUrl = Array.isArray(b.event_url) ? b.event_url[0] : undefined;
    if (typeof eventUrl === "string") callbacks.set(uuid, { url: eventUrl, to: to.number });
    return {
      status: 201,
      body: {
        uuid,
        status: "started",
        direction: "outbound",
        conversation_uuid: `CON-${randomUUID()}`,
      },
    };
  };

  const handle = (req: IncomingMessage, res: ServerResponse, rawBody: string) => {
    const send = (a: Reply) => {
      const text = typeof a.body === "string";
      res.writeHead(a.status, {
        "content-type": text
          ? "text/html"
          : a.status >= 400
            ? "application/problem+json"
            : "application/json",
        ...(a.location ? { location: a.location } : {}),
      });
      res.end(text ? (a.body as string) : JSON.stringify(a.body));
    };
    const type = req.headers["content-type"] ?? "";
    let params: Record<string, unknown> = {};
    try {
      params = type.startsWith("application/json")
        ? JSON.parse(rawBody)
        : Object.fromEntries(new URLSearchParams(rawBody));
    } catch {
      return send(problem(400, "invalid-json", "Invalid JSON"));
    }
    requests.push({ path: req.url ?? "", headers: req.headers, rawBody, params });
    const voice = req.url === "/v1/calls";
    if (req.method !== "POST" || (!voice && req.url !== "/sms/json"))
      return send(problem(404, "not-found", "Not Found"));
    if (voice && !jwtValid(req.headers.authorization, publicKey, applicationId))
      return send(problem(401, "unauthorized", "Unauthorized"));
    if (voice && !type.startsWith("application/json"))
      return send(problem(415, "unsupported-media-type", "Unsupported Media Type"));
    if (!voice && (params.api_key !== apiKey || params.api_secret !== apiSecret))
      return send(sms(params as Record<string, string>));
    const next = injected.shift();
    if (next === "hang") return;
    if (next && next.status === 0)
      return send(INJECTED[next.body as Exclude<ProbeFailure, "timeout">](voice));
    if (next) return send(next);
    return send(voice ? call(params) : sms(params as Record<string, string>));
  };

  const server = await startFakeProviderServer(handle);
  return {
    url: server.url,
    apiKey,
    apiSecret,
    applicationId,
    privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    requests,
    probe: {
      received: () => received,
      failNext: (failure) => {
        injected.push(failure === "timeout" ? "hang" : { status: 0, body: failure });
      },
      redirectNext: (location) => {
        injected.push({ status: 307, body: {}, location });
      },
    },
    failNextWith: (status, body) => {
      injected.push({ status, body });
    },
    signatureSecret,
    ids,
    postReceipt,
    postCallEvent,
    close: server.close,
  };
}

/** The parameters of the newest request (fails the test when there is none). */
export function lastParams(api: FakeVonage): Record<string, unknown> {
  const last = api.requests.at(-1);
  if (!last) throw new Error("no request reached the fake Vonage API");
  return last.params;
}
