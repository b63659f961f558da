/**
 * A local HTTP server around a Web-standard webhook handler (`(Request) => Promise<Response>`),
 * so that a provider fake can post real, signed webhooks to it over the network, as the
 * provider would post to the app.
 *
 * @module
 */

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

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
export async function serveWebhook(
  handler: (request: Request) => Promise<Response>,
): Promise<WebhookServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string") headers.set(name, value);
        else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      }
      const body = Buffer.concat(chunks);
      const request = new Request(`http://${req.headers.host}${req.url ?? "/"}`, {
        method: req.method ?? "GET",
        headers,
        ...(req.method === "GET" || req.method === "HEAD" ? {} : { body }),
      });
      try {
        const response = await handler(request);
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      } catch {
        res.writeHead(500);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
