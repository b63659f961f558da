/**
 * A local HTTP server around a Web-standard webhook handler (`(Request) => Promise<Response>`),
 * so that a provider fake can post real, signed webhooks to it over the network, as the
 * provider would post to the app.
 *
 * @module
 */

import { startFakeProviderServer } from "./sender-kit.js";

/** A webhook handler listening on 127.0.0.1. */
export interface WebhookServer {
  /** `http://127.0.0.1:<port>`: append the path the handler is mounted at. */
  readonly url: string;
  /** Stops listening. */
  close(): Promise<void>;
}

/**
 * Serves `handler` on a free local port: every request becomes a `Request` with the URL as the
 * client asked for it (`http://<Host header><path>`), the handler's `Response` is written back.
 *
 * @example
 * ```ts
 * const hook = await serveWebhook(twilioStatusWebhook({ authToken, delivery: mfa.delivery }));
 * const sms = twilioSms({ ..., statusCallbackUrl: `${hook.url}/twilio` });
 * ```
 */
export function serveWebhook(
  handler: (request: Request) => Promise<Response>,
): Promise<WebhookServer> {
  return startFakeProviderServer(async (req, res, body) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
      else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    }
    const request = new Request(`http://${req.headers.host}${req.url ?? "/"}`, {
      method: req.method ?? "GET",
      headers,
      ...(req.method === "GET" || req.method === "HEAD" ? {} : { body }),
    });
    try {
      const response = await handler(request);
      const answer: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        answer[name] = value;
      });
      res.writeHead(response.status, answer);
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch {
      res.writeHead(500);
      res.end();
    }
  });
}
