/**
 * `@mfakit/web/node`: the pages as a Node request handler, for Express, Fastify, Connect and
 * `node:http`. It turns the Node request into a Web `Request` (through `@hono/node-server`) and
 * writes the `Response` back.
 *
 * Mount it before any body parser: the pages read their own form bodies (and limit them).
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
/**
 * What {@link nodeHandler} serves: an `MfaWeb`, or any Web-standard handler with the same
 * `fetch` (a Hono app), so an app's own Web-standard routes mount the same way.
 */
export interface FetchHandler {
  fetch(request: Request, context: { readonly ip?: string }): Response | Promise<Response>;
}

/** A Node handler: `(req, res)`, with an ignored `next` for Express and Connect. */
export type NodeHandler = (
  req: IncomingMessage & { originalUrl?: string },
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => void;

/**
 * The pages as a Node handler. The URL is the request's full one (`originalUrl` under
 * Express's `app.use("/mfa", …)`, which strips the mount path from `url`), so mount it at the
 * pages' `basePath`. The client's address is the socket's: behind a proxy, give
 * `createMfaWeb` a `clientIp` that reads your proxy's header instead.
 *
 * @example
 * ```ts
 * import { nodeHandler } from "@mfakit/web/node";
 * app.use("/mfa", nodeHandler(web)); // Express 5
 * ```
 */
export function nodeHandler(web: FetchHandler): NodeHandler {
  const listener = getRequestListener((request, env) =>
    web.fetch(request, { ip: env.incoming.socket.remoteAddress ?? "" }),
  );
  return (req, res) => {
    if (req.originalUrl) req.url = req.originalUrl;
    void listener(req, res);
  };
}
